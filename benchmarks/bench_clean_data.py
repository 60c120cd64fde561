"""More clean data as a defence: a fixed number of poisons against growing N.

The bound of Liu et al. needs ``P > N ε / (γ ‖g_p‖)`` poisons, so the same
poisons should matter less when the victim trains on more clean rows. For
each size and seed, on Adult with CFair under the fine-tune protocol: a
stratified random subset of the data (``--sizes``: rows the victim trains
on, plus a quarter of that held out as the target set), then one
``run_paired_trial`` with duplicates and ENG whose ``poison_ratio`` gives
``--n-poison`` poisons. The largest size uses all of Adult.

Prints, per size, mean ± sd over seeds: H(s), the BCE after duplicates and
after ENG, ΔBCE vs duplicate = BCE(duplicate) − BCE(ENG) (> 0: ENG leaks
more; wins in brackets) and the poisoning ratio; writes ``clean_data.csv``
and ``records.csv`` to ``--out``.

Example (3 sizes, 6 seeds: about 6 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_clean_data.py --seeds 6 --out /tmp/clean_data
"""

import argparse
import math
import time
from pathlib import Path

import pandas as pd
from _seed_tables import flat_record, seed_summary
from sklearn.model_selection import train_test_split

from skfrl.attacks import ENGAttack
from skfrl.experiments import run_paired_trial
from skfrl.experiments.catalogue import VICTIMS, load_dataset
from skfrl.metrics import delta_bce
from skfrl.utils import limit_threads

ROWS = [
    ("H(s) of scored rows", "h_s", "value"),
    ("poison ratio", "poison_ratio", "value"),
    ("duplicate BCE", "duplicate_bce", "value"),
    ("ENG BCE", "eng_bce", "value"),
    ("dBCE vs dup", "delta_vs_dup", "delta"),
    ("ENG accuracy", "eng_accuracy", "value"),
]


def subset(X, y, s, n_train, seed):
    """A stratified subset: ``n_train`` training rows and a quarter as many targets."""
    n_rows = round(n_train / 0.8)
    if n_rows >= len(X):
        return X, y, s
    _, X_sub, _, y_sub, _, s_sub = train_test_split(
        X, y, s, test_size=n_rows, random_state=seed, stratify=s
    )
    return X_sub, y_sub, s_sub


def size_trial(data, n_train, n_poison, seed):
    """One paired trial on a subset; the per-seed row and the records."""
    X, y, s = subset(*data, n_train, seed)
    n_train = len(X) - math.ceil(0.2 * len(X))  # train_target_split's count
    ratio = n_poison / n_train
    records = run_paired_trial(
        X,
        y,
        s,
        victim=VICTIMS["cfair"].build(),
        attacks={"duplicate": "duplicate", "eng": ENGAttack()},
        poison_ratio=ratio,
        seed=seed,
    )
    by_name = {r["condition"]: r for r in records}
    row = {
        "n_train": n_train,
        "poison_ratio": ratio,
        "h_s": by_name["clean"]["sensitive_entropy"],
        "duplicate_bce": by_name["duplicate"]["probe_bce"],
        "eng_bce": by_name["eng"]["probe_bce"],
        "eng_accuracy": by_name["eng"]["downstream_accuracy"],
        "n_poison": by_name["eng"]["n_poison"],
    }
    row["delta_vs_dup"] = delta_bce(row["duplicate_bce"], row["eng_bce"])
    return row, records


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=int,
        default=[9_000, 18_000, 36_178],
        help="training rows (the last default: all of Adult's training split)",
    )
    parser.add_argument("--n-poison", type=int, default=1_800)
    parser.add_argument("--seeds", type=int, default=6, help="seeds 0 .. n-1")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", type=Path, default=Path("/tmp/clean_data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset("adult")
    rows, all_records = [], []
    with limit_threads(args.threads):
        for n_train in args.sizes:
            for seed in range(args.seeds):
                start = time.perf_counter()
                row, records = size_trial((X, y, s), n_train, args.n_poison, seed)
                key = {"size": f"N={row['n_train']}", "seed": seed}
                rows.append({**key, **row})
                all_records += [flat_record(r, key) for r in records]
                print(
                    f"N={row['n_train']} seed {seed}: {row['n_poison']} poisons "
                    f"({row['poison_ratio']:.1%}), dBCE vs dup "
                    f"{row['delta_vs_dup']:+.4f} ({time.perf_counter() - start:.0f} s)",
                    flush=True,
                )
                pd.DataFrame(rows).to_csv(args.out / "clean_data.csv", index=False)
                pd.DataFrame(all_records).to_csv(args.out / "records.csv", index=False)
    summary = seed_summary(pd.DataFrame(rows), "size", ROWS)
    print(
        f"\nAdult, CFair, fine-tune, {args.n_poison} poisons, {args.seeds} seed(s) "
        "per size. BCE in nats beside H(s); dBCE = BCE(duplicate) − BCE(ENG) "
        "(> 0: ENG leaks more), wins in brackets."
    )
    with pd.option_context("display.width", 200):
        print(summary.to_string())


if __name__ == "__main__":
    main()
