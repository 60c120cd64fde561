"""How far ENG's routes let the poisons' pull grow: cosine against norm.

For each victim, seed and route of ``bench_eng_routes.py``, on Adult: θ0
fitted on the training split as in the paired trials (same split, seed and
poisoner seed, hence the same base rows), then one craft against it (no
fine-tuning, so no ΔBCE). From the craft's ``history_`` it prints the
matching loss (1 − cos) of the returned records and the pull ratio
``|g_p| / |g_p(x0)|``, the poisons' gradient norm over their base rows'
(mean over the matched networks): its largest value during the descent, at
the end of the descent and at the returned records. ``magnitude_cap``
bounds the ratio the magnitude reward counts. Writes ``pull_ratio.csv`` to
``--out``. Adult is read from ``SKFRL_DATA_HOME``.

Example (two victims, two seeds, four routes: about 6 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \\
        python benchmarks/bench_pull_ratio.py --victims cfair advfrl --seeds 2 \\
        --routes fisher_defaults defaults_proxy_probe_bce \\
        defaults_proxy_probe_bce_magnitude_1 eng --out /tmp/pull
"""

import pandas as pd
from _seed_tables import run_parsed, trial_parser
from bench_eng_routes import ROUTES

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.experiments import train_target_split
from skfrl.experiments.catalogue import VICTIMS, load_dataset


def seed_rows(data, victim, routes, seed, ratio):
    """θ0 of one seed, then one craft per route; the histories' cosine and norms."""
    X_tr, y_tr, s_tr, X_ta, _, s_ta = train_target_split(*data, seed=seed)
    theta0 = VICTIMS[victim].build().set_params(random_state=seed)
    theta0.fit(X_tr, y_tr, sensitive_features=s_tr)
    for route in routes:
        poisoner = FairRepresentationPoisoner(
            theta0,
            attack=ENGAttack(**ROUTES[route]),
            poison_ratio=ratio,
            prefit=True,
            random_state=seed + 1000,  # the paired trials' poisoner seed
            verbose=0,
        )
        poisoner.fit_resample(X_tr, y_tr, s_tr, X_target=X_ta, s_target=s_ta)
        history = poisoner.attack_.history_
        descent = history[history.phase == "descent"]
        yield {
            "victim": victim,
            "seed": seed,
            "route": route,
            "matching_loss": poisoner.attack_.matching_loss_,
            "max_pull_ratio_descent": descent.pull_ratio.max(),
            "pull_ratio_descent_end": descent.pull_ratio.iloc[-1],
            "pull_ratio_records": history.pull_ratio.iloc[-1],
        }


def main():
    parser = trial_parser(__doc__, seeds=2, out="/tmp/pull")
    parser.add_argument("--victims", nargs="+", default=["cfair"], choices=VICTIMS)
    parser.add_argument(
        "--routes", nargs="+", default=["fisher_defaults", "eng"], choices=ROUTES
    )
    run_parsed(parser, run)


def run(args):
    """Every victim, seed and route; print the rows and their means."""
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset("adult")
    rows = []
    for victim in args.victims:
        for seed in range(args.seeds):
            for row in seed_rows((X, y, s), victim, args.routes, seed, args.ratio):
                rows.append(row)
                print(
                    f"{victim} seed {seed} {row['route']}: matching loss "
                    f"{row['matching_loss']:.3f}, pull ratio max "
                    f"{row['max_pull_ratio_descent']:.2f}, end of descent "
                    f"{row['pull_ratio_descent_end']:.2f}, records "
                    f"{row['pull_ratio_records']:.2f}",
                    flush=True,
                )
    frame = pd.DataFrame(rows)
    frame.to_csv(args.out / "pull_ratio.csv", index=False)
    means = frame.groupby(["victim", "route"], sort=False).mean(numeric_only=True)
    print(means.drop(columns="seed").round(3).to_string())
    print(f"\nrows: {args.out / 'pull_ratio.csv'}")


if __name__ == "__main__":
    main()
