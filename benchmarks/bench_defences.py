"""Defences against every attack: detection, leakage after the defence, cost.

For every seed, on Adult with CFair under the fine-tune protocol: one
``run_paired_trial`` with every attack (feasible records) and every defence
of the runner's catalogue (``skfrl.experiments.catalogue.DEFENCES``), plus
a second trial on the same seed (hence the same θ0, bit for bit) for ENG
with ``feature_domain="box"``, whose poisons are not records. Every
condition's training set, clean and duplicates included, is sanitised by
each defence and θ0 fine-tunes on what is kept (10 epochs, the last 5
averaged), so each attack is paired with duplicates filtered the same way.
Each sanitiser removes 10 % of the rows, except ``record_validity``, which
removes exactly the rows that break the schema of the clean training rows;
the training-time defences (``dp_clip``, ``dp_sgd``) remove nothing and
fine-tune θ0 with DP-SGD instead.
The defender holds θ0 (the deployed model) and its clean training rows.

Prints, per defence and attack, mean ± sd over seeds: detection AUC and
TPR at 5 % FPR (from ``decision_scores_``, without the threshold), the share
of poisons removed at ``contamination=0.1``, ΔBCE vs duplicate =
BCE(duplicate, same defence) − BCE(attack) (> 0: the attack leaks more;
wins in brackets), and the downstream accuracy; H(s) beside the BCEs.
Writes ``records.csv`` (every trial record), ``table.csv`` (one row per
defence, attack and seed) and ``summary.csv`` to ``--out``. Adult is read
from ``SKFRL_DATA_HOME``.

Examples (6 seeds, one thread: the sanitisers against every attack, about
67 min; DP-SGD against ENG, about 25 min)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_defences.py --seeds 6 --out /tmp/defences \
        --defences sphere slab slab_group knn_input knn_z isolation_forest_z \
        spectral record_validity
    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_defences.py --seeds 6 --out /tmp/dp \
        --defences dp_clip dp_sgd --attacks duplicate eng
"""

import time

import numpy as np
import pandas as pd
from _seed_tables import flat_record, run_parsed, trial_parser

from skfrl.attacks import ENGAttack
from skfrl.experiments import run_paired_trial
from skfrl.experiments.catalogue import DATASETS, DEFENCES, VICTIMS, load_dataset
from skfrl.metrics import delta_bce

ATTACKS = {
    "duplicate": "duplicate",
    "eng": ENGAttack(),
    "raa": "raa",
    "nraa": "nraa",
    "label_flip": "label_flip",
    "sensitive_flip": "sensitive_flip",
    "random": "random",
}
METRICS = ("detection_auc", "tpr_at_5_fpr", "share_removed", "delta_vs_dup", "acc")


def defence_trial(data, ratio, seed, defences, attacks):
    """Both trials of one seed; their records, the box run's ENG as ``eng_box``."""
    common = dict(
        victim=VICTIMS["cfair"].build(),
        poison_ratio=ratio,
        seed=seed,
        defences=defences,
    )
    chosen = {name: ATTACKS[name] for name in attacks if name in ATTACKS}
    records = run_paired_trial(*data, attacks=chosen, **common)
    if "eng_box" in attacks:
        box = run_paired_trial(
            *data, attacks={"eng_box": ENGAttack()}, feature_domain="box", **common
        )
        records += [r for r in box if r["condition"] == "eng_box"]
    return records


def seed_table(records):
    """One row per defence and attack of one seed, paired with its duplicates."""
    frame = pd.DataFrame(records)
    rows = []
    for defence, group in frame.groupby("defence", sort=False):
        by_name = group.set_index("condition")
        duplicate_bce = by_name.loc["duplicate", "probe_bce"]
        for condition, record in by_name.iterrows():
            n_poison = record.get("n_poison", np.nan)
            rows.append(
                {
                    "defence": defence,
                    "attack": condition,
                    "h_s": record["sensitive_entropy"],
                    "probe_bce": record["probe_bce"],
                    "delta_vs_dup": delta_bce(duplicate_bce, record["probe_bce"]),
                    "acc": record["downstream_accuracy"],
                    "dp_gap": record["demographic_parity_difference"],
                    "detection_auc": record.get("detection_auc", np.nan),
                    "tpr_at_5_fpr": record.get("tpr_at_5_fpr", np.nan),
                    "share_removed": record.get("n_poison_removed", np.nan) / n_poison
                    if n_poison
                    else np.nan,
                    "n_removed": record.get("n_removed", 0),
                    "defence_seconds": record.get("defence_seconds", 0.0),
                }
            )
    return pd.DataFrame(rows)


def summarise(table):
    """Mean ± sd over seeds per defence and attack (wins for ΔBCE)."""

    def cell(values, signed=False):
        values = values.dropna()
        if values.empty:
            return "–"
        text = f"{values.mean():+.4f}" if signed else f"{values.mean():.3f}"
        if len(values) > 1:
            text += f" ± {values.std():.4f}" if signed else f" ± {values.std():.3f}"
        if signed:
            text += f" ({int((values > 0).sum())}/{len(values)})"
        return text

    rows = []
    for (defence, attack), group in table.groupby(["defence", "attack"], sort=False):
        row = {"defence": defence, "attack": attack}
        for metric in METRICS:
            row[metric] = cell(group[metric], signed=metric == "delta_vs_dup")
        row["probe_bce"] = cell(group["probe_bce"])
        row["h_s"] = cell(group["h_s"])
        rows.append(row)
    return pd.DataFrame(rows)


def main():
    parser = trial_parser(__doc__, seeds=6, out="/tmp/defences")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="adult")
    parser.add_argument(
        "--defences",
        nargs="+",
        choices=sorted(DEFENCES),
        default=list(DEFENCES),
        help="defences to run (default: all)",
    )
    parser.add_argument(
        "--attacks",
        nargs="+",
        choices=[*ATTACKS, "eng_box"],
        default=[*ATTACKS, "eng_box"],
        help="attacks to run next to the duplicate control (default: all)",
    )
    run_parsed(parser, run)


def run(args):
    """Every seed; print the summary, write the CSVs."""
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset(args.dataset)
    defences = {name: DEFENCES[name].build for name in args.defences}
    tables, all_records = [], []
    for seed in range(args.seeds):
        start = time.perf_counter()
        attacks = ["duplicate", *(a for a in args.attacks if a != "duplicate")]
        records = defence_trial((X, y, s), args.ratio, seed, defences, attacks)
        table = seed_table(records).assign(seed=seed)
        tables.append(table)
        key = {"seed": seed, "poison_ratio": args.ratio}
        all_records += [flat_record(record, key) for record in records]
        eng = table[table.attack == "eng"].set_index("defence")["delta_vs_dup"]
        print(
            f"seed {seed} ({time.perf_counter() - start:.0f} s): ENG dBCE vs dup "
            + ", ".join(f"{d} {v:+.4f}" for d, v in eng.items()),
            flush=True,
        )
        pd.concat(tables).to_csv(args.out / "table.csv", index=False)
        pd.DataFrame(all_records).to_csv(args.out / "records.csv", index=False)
    summary = summarise(pd.concat(tables))
    summary.to_csv(args.out / "summary.csv", index=False)
    print(
        f"\n{args.dataset}, CFair, fine-tune, {args.ratio:.0%} poisons, "
        f"{args.seeds} seed(s), contamination 0.1. dBCE vs dup = BCE(duplicate) "
        "− BCE(attack) under the same defence (> 0: the attack leaks more), wins "
        "in brackets; BCE in nats beside H(s) of the scored rows; detection from "
        "decision_scores_."
    )
    with pd.option_context("display.width", 250, "display.max_rows", 200):
        print(summary.to_string(index=False))


if __name__ == "__main__":
    main()
