"""Where ENG's crafting time goes, against one clean training of the victim.

For each victim and ratio, trains θ0 on Adult's 80 % training split (seed
0), then runs :class:`~skfrl.attacks.FairRepresentationPoisoner` with ENG's
defaults on it under :mod:`cProfile` and prints, side by side in one
process:

- ``craft / theta0``: crafting seconds over θ0's training seconds (the
  speed goal is at most 1.0);
- the shares of the crafting time spent in the matching loss (the poisons'
  gradients through every matched network, ``_MatchingProblem.matching``),
  in the gradient of the objective with respect to the perturbations (the
  double backward of the descent, ``torch.autograd.grad`` called by
  ``_descend``), in training the look-ahead copies, before the descent and
  at every refresh (``_look_ahead``), in the record search after it
  (``_search``, its matching included), in projecting onto records
  (``_MatchingProblem.nearest``) and in fitting the logistic probe of
  ``proxy="probe_bce"`` on each matched network's ``Z`` of the target
  set (``_probe_proxy``; once per look-ahead copy, at every refresh).

The profiler adds a few per cent to every share and more to the
Python-heavy training loops; ``--no-profile`` times the same runs without
it and prints the ratios only. Writes
``craft_profile.csv`` to ``--out``.

Example (one victim, two ratios: about 2 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \\
        python benchmarks/bench_craft_profile.py --victims cfair \\
        --ratios 0.1 0.15 --out /tmp/profile
"""

import argparse
import cProfile
import pstats
import time
from pathlib import Path

import pandas as pd

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.experiments import train_target_split
from skfrl.experiments.catalogue import VICTIMS, load_dataset
from skfrl.utils import limit_threads

#: share name -> (file suffix, function name) in the profile
SECTIONS = {
    "matching": ("attacks/_eng.py", "matching"),
    "look_ahead": ("attacks/_eng.py", "_look_ahead"),
    "search": ("attacks/_eng.py", "_search"),
    "projection": ("attacks/_eng.py", "nearest"),
    "probe_fit": ("nn/proxies.py", "_probe_proxy"),
}


def _cumulative(stats, suffix, function):
    """Seconds spent in (and below) the named function, all calls together."""
    return sum(
        timing[3]
        for (path, _, name), timing in stats.stats.items()
        if path.endswith(suffix) and name == function
    )


def _callers_time(stats, callee, caller):
    """Seconds spent in ``callee`` when called from ``caller``."""
    for (path, _, name), timing in stats.stats.items():
        if name == callee and path.endswith("autograd/__init__.py"):
            return sum(
                t[3]
                for (c_path, _, c_name), t in timing[4].items()
                if c_name == caller and c_path.endswith("attacks/_eng.py")
            )
    return 0.0


def profile_craft(data, victim_name, ratio, seed=0, profile=True):
    """Return one row: θ0 seconds, crafting seconds and (profiled) the shares."""
    X_tr, y_tr, s_tr, X_ta, _, s_ta = train_target_split(*data, seed=seed)
    victim = VICTIMS[victim_name].build().set_params(random_state=seed)
    start = time.perf_counter()
    victim.fit(X_tr, y_tr, sensitive_features=s_tr)
    theta0_seconds = time.perf_counter() - start
    poisoner = FairRepresentationPoisoner(
        victim,
        attack=ENGAttack(),
        poison_ratio=ratio,
        prefit=True,
        random_state=seed + 1000,
        verbose=0,
    )
    profiler = cProfile.Profile()
    start = time.perf_counter()
    if profile:
        profiler.enable()
    poisoner.fit_resample(X_tr, y_tr, s_tr, X_target=X_ta, s_target=s_ta)
    profiler.disable()
    craft_seconds = time.perf_counter() - start
    row = {
        "victim": victim_name,
        "ratio": ratio,
        "theta0_seconds": theta0_seconds,
        "craft_seconds": craft_seconds,
        "craft_over_theta0": craft_seconds / theta0_seconds,
    }
    if not profile:
        return row
    stats = pstats.Stats(profiler)
    for share, (suffix, function) in SECTIONS.items():
        row[share] = _cumulative(stats, suffix, function) / craft_seconds
    row["double_backward"] = _callers_time(stats, "grad", "_descend") / craft_seconds
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", nargs="+", default=["cfair"], choices=VICTIMS)
    parser.add_argument("--ratios", nargs="+", type=float, default=[0.1, 0.15])
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument(
        "--no-profile",
        dest="profile",
        action="store_false",
        help="time without cProfile (which inflates the training loops): ratios only",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/profile"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = load_dataset("adult")[:3]
    rows = []
    with limit_threads(args.threads):
        for victim in args.victims:
            for ratio in args.ratios:
                rows.append(profile_craft(data, victim, ratio, profile=args.profile))
                print(
                    f"{victim} {ratio:.0%}: craft {rows[-1]['craft_over_theta0']:.2f}x "
                    "one training",
                    flush=True,
                )
    frame = pd.DataFrame(rows)
    frame.to_csv(args.out / "craft_profile.csv", index=False)
    shares = [
        "matching",
        "double_backward",
        "look_ahead",
        "search",
        "projection",
        "probe_fit",
    ]
    columns = ["victim", "ratio", "theta0_seconds", "craft_seconds"]
    if not args.profile:
        print("\nCrafting against one training (no profiler, one process, seed 0):")
        print(frame[[*columns, "craft_over_theta0"]].round(2).to_string(index=False))
        return
    table = frame[[*columns, "craft_over_theta0", *shares]].copy()
    table[shares] = table[shares].map(lambda v: f"{v:.0%}")
    print("\nShares of the crafting time (cProfile, one process, seed 0):")
    print(table.round(2).to_string(index=False))


if __name__ == "__main__":
    main()
