"""Per-sample gradient norms at θ0: clean rows against ENG's poisons.

DP-SGD clips each row's gradient (``per_sample_clip_norm``); the clipping
norm of the runner's ``dp_clip`` and ``dp_sgd`` defences is the median norm
of a clean row's gradient measured here. For each seed, on Adult with CFair:
θ0 fitted on the training split, ENG's poisons (records, 10 %) crafted
against it, then the norm of every row's training-loss gradient over all
of θ0's parameters (:func:`skfrl.nn.private_gradients`, without clipping),
for 2,048 clean rows and for every poison. Prints the 10th, 50th, 90th and
99th percentiles of each and writes ``gradient_norms.csv`` to ``--out``.

Example (2 seeds: about 2 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_gradient_norms.py --seeds 2 --out /tmp/norms
"""

import numpy as np
import pandas as pd
import torch
from _seed_tables import trial_parser

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.experiments import train_target_split
from skfrl.experiments.catalogue import VICTIMS, load_dataset
from skfrl.nn import private_gradients
from skfrl.utils import limit_threads

QUANTILES = (0.1, 0.5, 0.9, 0.99)


def row_norms(model, X, y, s):
    """The norm of each row's gradient of ``model``'s training loss."""
    net = model.net_
    codes = torch.as_tensor(np.searchsorted(model.classes_, y))
    norms = []
    for start in range(0, len(X), 512):  # batches of the victim's own size
        rows = slice(start, start + 512)
        norms.append(
            private_gradients(
                net.module_,
                net.criterion_,
                torch.as_tensor(X[rows], dtype=torch.float32),
                codes[rows],
                torch.as_tensor(s[rows]),
                clip_norm=float("inf"),
                noise_multiplier=0.0,
                generator=None,
            )
        )
    return torch.cat(norms).numpy()


def seed_norms(data, seed, ratio):
    """Gradient norms of 2,048 clean rows and of every ENG poison, one seed."""
    X_tr, y_tr, s_tr, X_ta, _, s_ta = train_target_split(*data, seed=seed)
    theta0 = VICTIMS["cfair"].build().set_params(random_state=seed)
    theta0.fit(X_tr, y_tr, sensitive_features=s_tr)
    poisoner = FairRepresentationPoisoner(
        theta0,
        attack=ENGAttack(),
        poison_ratio=ratio,
        prefit=True,
        random_state=seed + 1000,
        verbose=0,
    )
    X_res, y_res, s_res = poisoner.fit_resample(
        X_tr, y_tr, s_tr, X_target=X_ta, s_target=s_ta
    )
    clean = np.random.RandomState(seed).choice(len(X_tr), 2048, replace=False)
    mask = poisoner.poison_mask_
    return {
        "clean": row_norms(theta0, X_tr[clean], y_tr[clean], s_tr[clean]),
        "eng": row_norms(theta0, X_res[mask], y_res[mask], s_res[mask]),
    }


def main():
    parser = trial_parser(__doc__, seeds=2, out="/tmp/norms")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset("adult")
    rows = []
    with limit_threads(args.threads):
        for seed in range(args.seeds):
            for rows_of, norms in seed_norms((X, y, s), seed, args.ratio).items():
                quantiles = np.quantile(norms, QUANTILES)
                rows.append({"seed": seed, "rows": rows_of, "n": len(norms)})
                rows[-1].update(
                    {
                        f"q{int(q * 100)}": v
                        for q, v in zip(QUANTILES, quantiles, strict=True)
                    }
                )
                print(
                    f"seed {seed} {rows_of:5s} (n={len(norms)}): gradient norm "
                    "quantiles 10/50/90/99 % "
                    + " / ".join(f"{v:.2f}" for v in quantiles),
                    flush=True,
                )
    pd.DataFrame(rows).to_csv(args.out / "gradient_norms.csv", index=False)


if __name__ == "__main__":
    main()
