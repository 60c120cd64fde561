"""Black-box transfer of ENG: poisons crafted on the attacker's own model.

For every ``surrogate:victim`` pair and seed, on Adult under the fine-tune
protocol: one ``run_paired_trial`` with unperturbed duplicates and ENG
(its defaults, or the variant ``--route`` of ``bench_eng_routes.py``; 10
fine-tuning epochs, the last 5 averaged) and
``surrogate=VICTIMS[surrogate].build()``. Both attacks craft against a clone
of the surrogate fitted on the trial's training split with
``random_state=seed + 500`` (the attacker's own model, never θ0), and their
poisons fine-tune θ0, the victim fitted with ``random_state=seed``. The pair
``cfair:cfair`` is transfer across seeds only (same architecture, other
initialisation); ``cfair:advfrl`` and ``advfrl:cfair`` also transfer
across models.

Prints one table per pair, mean ± sd over seeds: H(s) of the scored target
rows, the probe BCE of s (nats) after clean, duplicate and ENG fine-tuning
under skfrl's default probe and the ``hgb`` probe, ΔBCE vs duplicate =
BCE(duplicate) − BCE(ENG) (> 0: ENG leaks more; wins in brackets: seeds
with ΔBCE > 0), ENG's ``matching_loss`` (1 − cos, measured on the
surrogate, not on θ0) and the crafting seconds. Writes ``transfer.csv``
(one row per pair and seed), ``records.csv`` (the trials' records) and
``summary.csv`` to ``--out``. Adult is read from ``SKFRL_DATA_HOME``.

Example (3 pairs, 6 seeds: 12–20 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_transfer.py --seeds 6 --out /tmp/transfer
"""

import argparse
import time

import pandas as pd
from _seed_tables import flat_record, run_parsed, seed_summary, trial_parser
from bench_eng_routes import ROUTES

from skfrl.attacks import ENGAttack
from skfrl.experiments import run_paired_trial
from skfrl.experiments.catalogue import VICTIMS, load_dataset
from skfrl.metrics import delta_bce

DEFAULT_PAIRS = ["cfair:cfair", "cfair:advfrl", "advfrl:cfair"]
CONDITIONS = ("clean", "duplicate", "eng")
#: summary rows: (label, column, kind); kind "delta" also counts wins
ROWS = [
    ("H(s) of scored rows", "h_s", "value"),
    ("clean BCE, default probe", "clean_bce", "value"),
    ("duplicate BCE, default probe", "duplicate_bce", "value"),
    ("ENG BCE, default probe", "eng_bce", "value"),
    ("dBCE vs dup, default probe", "delta_vs_dup", "delta"),
    ("clean BCE, hgb", "clean_bce_hgb", "value"),
    ("duplicate BCE, hgb", "duplicate_bce_hgb", "value"),
    ("ENG BCE, hgb", "eng_bce_hgb", "value"),
    ("dBCE vs dup, hgb", "delta_hgb_vs_dup", "delta"),
    ("ENG matching loss (surrogate)", "eng_matching_loss", "value"),
    ("ENG craft seconds", "eng_craft_seconds", "value"),
    ("duplicate craft seconds", "duplicate_craft_seconds", "value"),
    ("trial seconds", "trial_seconds", "value"),
]


def parse_pair(text):
    """``"surrogate:victim"`` -> (surrogate, victim), both catalogued victims."""
    names = text.split(":")
    if len(names) != 2 or not all(name in VICTIMS for name in names):
        raise argparse.ArgumentTypeError(
            f"expected surrogate:victim with names in {sorted(VICTIMS)}; got {text!r}"
        )
    return tuple(names)


def transfer_trial(data, surrogate, victim, ratio, seed, route="eng"):
    """One paired trial crafted on the surrogate; the per-seed row and records.

    ``route`` names the ENG variant (``bench_eng_routes.ROUTES``).
    """
    start = time.perf_counter()
    records = run_paired_trial(
        *data,
        victim=VICTIMS[victim].build(),
        attacks={"duplicate": "duplicate", "eng": ENGAttack(**ROUTES[route])},
        poison_ratio=ratio,
        seed=seed,
        strong_probes=("hgb",),
        surrogate=VICTIMS[surrogate].build(),
    )
    trial_seconds = time.perf_counter() - start
    by_name = {r["condition"]: r for r in records}
    row = {"h_s": by_name["clean"]["sensitive_entropy"]}
    for condition in CONDITIONS:
        row[f"{condition}_bce"] = by_name[condition]["probe_bce"]
        row[f"{condition}_bce_hgb"] = by_name[condition]["probe_bce_hgb"]
    row["delta_vs_dup"] = delta_bce(row["duplicate_bce"], row["eng_bce"])
    row["delta_hgb_vs_dup"] = delta_bce(row["duplicate_bce_hgb"], row["eng_bce_hgb"])
    row.update(
        eng_matching_loss=by_name["eng"]["matching_loss"],
        eng_relaxed_matching_loss=by_name["eng"]["relaxed_matching_loss"],
        eng_l2=by_name["eng"]["l2"],
        eng_craft_seconds=by_name["eng"]["craft_seconds"],
        duplicate_craft_seconds=by_name["duplicate"]["craft_seconds"],
        theta0_seconds=by_name["clean"]["theta0_seconds"],
        trial_seconds=trial_seconds,
    )
    return row, records


def main():
    parser = trial_parser(__doc__, seeds=6, out="/tmp/transfer")
    parser.add_argument(
        "--pairs",
        nargs="+",
        type=parse_pair,
        default=[parse_pair(p) for p in DEFAULT_PAIRS],
        help="surrogate:victim pairs (default: " + " ".join(DEFAULT_PAIRS) + ")",
    )
    parser.add_argument(
        "--route",
        default="eng",
        choices=list(ROUTES),
        help="the ENG variant of bench_eng_routes.py (default: its defaults)",
    )
    run_parsed(parser, run)


def run(args):
    """Every pair and seed; print the summary, write the CSVs."""
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset("adult")
    rows, trial_records = [], []
    for surrogate, victim in args.pairs:
        pair = f"{surrogate}:{victim}"
        for seed in range(args.seeds):
            row, records = transfer_trial(
                (X, y, s), surrogate, victim, args.ratio, seed, args.route
            )
            key = {
                "pair": pair,
                "surrogate": surrogate,
                "victim": victim,
                "seed": seed,
                "poison_ratio": args.ratio,
                "route": args.route,
            }
            rows.append({**key, **row})
            trial_records += [flat_record(record, key) for record in records]
            print(
                f"{pair} seed {seed}: BCE clean {row['clean_bce']:.4f} dup "
                f"{row['duplicate_bce']:.4f} eng {row['eng_bce']:.4f}, dBCE vs dup "
                f"{row['delta_vs_dup']:+.4f} (hgb {row['delta_hgb_vs_dup']:+.4f}), "
                f"matching loss {row['eng_matching_loss']:.3f} "
                f"({row['trial_seconds']:.0f} s)",
                flush=True,
            )
            transfer = pd.DataFrame(rows)
            transfer.to_csv(args.out / "transfer.csv", index=False)
            pd.DataFrame(trial_records).to_csv(args.out / "records.csv", index=False)
    summary = seed_summary(transfer, "pair", ROWS)
    summary.to_csv(args.out / "summary.csv")
    print(
        f"\nAdult, fine-tune, {args.ratio:.0%} poisons, {args.seeds} seed(s), "
        "columns surrogate:victim (attacks craft on the surrogate, seed + 500; "
        "poisons fine-tune the victim θ0, seed). BCE in nats, mean ± sd over "
        "seeds; dBCE = BCE(duplicate) − BCE(ENG) (> 0: ENG leaks more), wins in "
        "brackets; H(s) is that of the rows every BCE is scored on."
    )
    with pd.option_context("display.width", 250, "display.max_columns", 10):
        print(summary.to_string())
    print(f"\nper-seed rows: {args.out / 'transfer.csv'}")


if __name__ == "__main__":
    main()
