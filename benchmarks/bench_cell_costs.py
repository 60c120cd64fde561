"""Calibrate the runner's runtime estimate: component costs, then whole cells.

``skfrl run`` prints an estimated runtime before it starts, from the costs in
the catalogue (``skfrl/experiments/catalogue.py``). This script measures
those costs and then checks the estimate against real cells, side by side in
one run, on one thread:

- ``epochs``: per victim of the catalogue, one training epoch
  (``partial_fit``) on German's and on Adult's training set; the fitted
  fixed overhead and seconds per row, next to the catalogue's;
- ``eng``: one ENG matching step (``ENGAttack`` with ``max_iter`` steps and
  one matching point) against each victim fitted on Adult, with 5 % and 15 %
  poisons; the fitted overhead and seconds per poison on CFair, and each
  victim's factor relative to CFair;
- ``unrolled``: what one replayed optimizer step of ``objective="unrolled"``
  adds to an ENG step (three replayed steps against the matching step of
  the same victim and ratio), its overhead and seconds per poison on CFair;
- ``cells``: whole cells of the runner (``run_cell``, 10 epochs of
  fine-tuning, the default and the hgb probe, duplicates and ENG), their
  measured seconds, the estimate and the ratio measured / estimated.

Example::

    python benchmarks/bench_cell_costs.py --data-home /work/shared/data \\
        --parts epochs eng unrolled cells --out bench_out
"""

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.experiments import (
    check_config,
    estimate_cell_seconds,
    expand_grid,
    run_experiment,
    train_target_split,
)
from skfrl.experiments.catalogue import DATASETS, VICTIMS, load_dataset
from skfrl.utils import limit_threads


def _epoch_seconds(model, X, y, s, repeats):
    """Median seconds of ``repeats`` epochs of ``model.partial_fit``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.partial_fit(X, y, sensitive_features=s)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _fit_line(sizes, seconds):
    """Least-squares overhead and slope of seconds against sizes."""
    slope, overhead = np.polyfit(np.asarray(sizes, float), seconds, 1)
    return max(overhead, 0.0), max(slope, 0.0)


def _split(name, seed=0):
    X, y, s, _ = load_dataset(name)
    X_tr, y_tr, s_tr, X_ta, _, s_ta = train_target_split(X, y, s, seed=seed)
    return X_tr, y_tr, s_tr, X_ta, s_ta


def measure_epochs(repeats):
    """One training epoch per victim on German's and Adult's training sets."""
    rows = []
    data = {name: _split(name) for name in ("german", "adult")}
    for victim in VICTIMS:
        seconds = []
        for X, y, s, _, _ in data.values():
            model = VICTIMS[victim].build({"max_epochs": 1, "random_state": 0})
            model.fit(X, y, sensitive_features=s)
            seconds.append(_epoch_seconds(model, X, y, s, repeats))
        sizes = [len(data[name][0]) for name in data]
        overhead, per_row = _fit_line(sizes, seconds)
        rows.append(
            {
                "victim": victim,
                "german_s": seconds[0],
                "adult_s": seconds[1],
                "overhead_s": overhead,
                "per_row_s": per_row,
                "catalogue_overhead_s": VICTIMS[victim].epoch_seconds[0],
                "catalogue_per_row_s": VICTIMS[victim].epoch_seconds[1],
            }
        )
    return pd.DataFrame(rows)


def measure_eng(steps, victims, **params):
    """Seconds of ENG against victims fitted on Adult: per step, and fixed.

    Each victim and ratio crafts with ``steps`` and ``3 * steps`` matching
    steps at θ0 only (one matching point); the difference gives the seconds
    per step, the rest the fixed cost (the feature domain, the target
    gradient, the copies). ``params`` are further ``ENGAttack`` parameters.
    """
    X, y, s, X_ta, s_ta = _split("adult")
    rows = []
    for victim in victims:
        model = VICTIMS[victim].build({"max_epochs": 1, "random_state": 0})
        model.fit(X, y, sensitive_features=s)
        for ratio in (0.05, 0.15):
            seconds = {}
            for n_steps in (steps, 3 * steps):
                poisoner = FairRepresentationPoisoner(
                    model,
                    attack=ENGAttack(
                        max_iter=n_steps, match_epochs=(0,), search_steps=0, **params
                    ),
                    poison_ratio=ratio,
                    prefit=True,
                    random_state=0,
                    verbose=0,
                )
                start = time.perf_counter()
                poisoner.fit_resample(X, y, s, X_target=X_ta, s_target=s_ta)
                seconds[n_steps] = time.perf_counter() - start
            step = (seconds[3 * steps] - seconds[steps]) / (2 * steps)
            rows.append(
                {
                    "victim": victim,
                    "n_poison": poisoner.n_poison_,
                    "step_s": step,
                    "fixed_s": seconds[steps] - steps * step,
                }
            )
    df = pd.DataFrame(rows)
    cfair = df[df.victim == "cfair"]
    overhead, per_poison = _fit_line(cfair.n_poison, cfair.step_s)
    by_victim = df.groupby("victim").step_s.mean()
    df["factor_vs_cfair"] = df.victim.map(by_victim / by_victim["cfair"])
    print(
        f"ENG step on CFair: {overhead:.4f} s + {per_poison:.2e} s per poison; "
        f"fixed {df.fixed_s.median():.2f} s (median)"
    )
    return df


def measure_unrolled(steps, victims, matching, unroll_steps=3):
    """Seconds one replayed step of ``objective="unrolled"`` adds to a step.

    ``matching`` is :func:`measure_eng`'s frame for the same victims; the
    unrolled step's excess over it is divided by ``unroll_steps``.
    """
    df = measure_eng(steps, victims, objective="unrolled", unroll_steps=unroll_steps)
    df = df.merge(matching, on=["victim", "n_poison"], suffixes=("", "_matching"))
    df["replay_s"] = (df.step_s - df.step_s_matching) / unroll_steps
    cfair = df[df.victim == "cfair"]
    overhead, per_poison = _fit_line(cfair.n_poison, cfair.replay_s)
    print(f"replayed step on CFair: {overhead:.4f} s + {per_poison:.2e} s per poison")
    return df[["victim", "n_poison", "step_s", "step_s_matching", "replay_s"]]


def measure_cells(cells, out):
    """Whole cells of ``skfrl run``: measured seconds next to the estimate."""
    rows = []
    for dataset, victim, ratio in cells:
        config = check_config(
            {
                "datasets": [dataset],
                "victims": [victim],
                "attacks": ["eng"],
                "poison_ratios": [ratio],
                "seeds": [0],
            }
        )
        (cell,) = expand_grid(config)
        folder = out / f"cells_{dataset}_{victim}_{ratio:g}"
        records = run_experiment(config, folder, verbose=0)
        eng = records[records.condition == "eng"].iloc[0]
        estimate = estimate_cell_seconds(cell)
        rows.append(
            {
                "dataset": dataset,
                "victim": victim,
                "ratio": ratio,
                "measured_s": eng["cell_seconds"],
                "theta0_s": eng["theta0_seconds"],
                "craft_s": eng["craft_seconds"],
                "estimate_s": estimate,
                "measured_over_estimate": eng["cell_seconds"] / estimate,
            }
        )
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["epochs", "eng", "unrolled", "cells"],
        choices=["epochs", "eng", "unrolled", "cells"],
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--eng-steps", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.data_home:
        os.environ["SKFRL_DATA_HOME"] = args.data_home
    pd.set_option("display.width", 200)
    cells = [
        ("adult", "cfair", 0.05),
        ("adult", "cfair", 0.15),
        ("adult", "icvae_s", 0.1),
        ("german", "icvae_s", 0.1),
        ("german", "cfair", 0.1),
    ]
    with limit_threads(1):
        print(
            f"torch threads: {torch.get_num_threads()}; rows: "
            f"{ {name: DATASETS[name].n_rows for name in ('german', 'adult')} }"
        )
        results = {}
        if "epochs" in args.parts:
            results["epochs"] = measure_epochs(args.repeats)
            print(results["epochs"].round(6).to_string(index=False), flush=True)
        victims = list(VICTIMS)[:5]
        if "eng" in args.parts or "unrolled" in args.parts:
            results["eng"] = measure_eng(args.eng_steps, victims)
            print(results["eng"].round(5).to_string(index=False), flush=True)
        if "unrolled" in args.parts:
            results["unrolled"] = measure_unrolled(
                args.eng_steps, victims, results["eng"]
            )
            print(results["unrolled"].round(5).to_string(index=False), flush=True)
        if "cells" in args.parts:
            results["cells"] = measure_cells(cells, args.out or Path("bench_out"))
            print(results["cells"].round(2).to_string(index=False), flush=True)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, frame in results.items():
            frame.to_csv(args.out / f"cell_costs_{name}.csv", index=False)


if __name__ == "__main__":
    main()
