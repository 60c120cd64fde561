"""ENG against the honest baselines, paired by seed, on held-out data.

For every seed, ratio and protocol: one clean victim θ0, then clean
training, unperturbed duplicates, duplicates with s flipped, ENG matching at
θ0 only (the paper's recipe), ENG with its defaults (under fine-tuning it
also matches one and two epochs ahead), two cheaper ENG settings (matching
at the look-ahead copies only, or at the two-epoch copy only), random noise
with the L2 norm of ENG's perturbations, ENG with s flipped, and the
black-box baselines RAA, NRAA and label flip, all from the same θ0, base
rows and shuffling (see ``skfrl.experiments.run_paired_trial``). Prints the
probe BCE of s on the target set (averaged over the last epochs) under
skfrl's default probe and a strong probe (``--strong-probe``, default
``hgb``), H(s), and ΔBCE vs duplicate = BCE(duplicate) − BCE(condition)
(> 0: the condition leaks more), and writes every record to
``<out>/records.csv``.

Example (the acceptance run of the poisoner issue, ~20 min on 2 cores)::

    python benchmarks/bench_attack.py --dataset adult --seeds 8 \
        --ratios 0.05 0.1 0.15 --protocols finetune --out bench_out/attack
"""

import argparse
import time
from pathlib import Path

import pandas as pd

from skfrl.attacks import ENGAttack, RandomPerturbationAttack
from skfrl.datasets import fetch_adult, fetch_german
from skfrl.experiments import run_paired_trial
from skfrl.metrics import delta_bce
from skfrl.models import ICVAE, AdvFRL, CFair
from skfrl.utils import limit_threads

VICTIMS = {
    "cfair": lambda: CFair(),
    "cfair_eo": lambda: CFair(class_weight=None),
    "advfrl": lambda: AdvFRL(),
    "icvae_s": lambda: ICVAE(),
    "icvae_us": lambda: ICVAE(supervised=False),
}
LOADERS = {"adult": fetch_adult, "german": fetch_german}


def conditions(names=None):
    """Attacks in run order; the random control reads ENG's mean L2 norm."""
    every = {
        "duplicate": "duplicate",
        "sensitive_flip": "sensitive_flip",
        "eng_theta0_paper": ENGAttack(match_epochs=(0,), max_iter=200),
        "eng": ENGAttack(),
        "eng_lookahead_only": ENGAttack(match_epochs=(1, 2)),
        "eng_epoch2_only": ENGAttack(match_epochs=(2,)),
        "random_eng_norm": lambda records: RandomPerturbationAttack(
            scale=records[-1]["l2"]
        ),
        "eng_flip_s": ENGAttack(flip_sensitive=True),
        "raa": "raa",
        "nraa": "nraa",
        "label_flip": "label_flip",
    }
    names = names or list(every)
    if "random_eng_norm" in names and "eng" not in names:
        raise ValueError("the random control needs the ENG condition before it")
    return {name: every[name] for name in every if name in names}


def summarise(records, strong):
    """Per protocol, ratio and condition: BCE and ΔBCE vs the controls."""
    df = records.copy()
    key = ["dataset", "victim", "protocol", "poison_ratio", "seed"]
    df = df.set_index(key)
    for column, suffix in (("probe_bce", ""), (f"probe_bce_{strong}", f"_{strong}")):
        for control in ("duplicate", "clean"):
            base = df[df.condition == control][column]
            name = f"delta{suffix}_vs_{'dup' if control == 'duplicate' else control}"
            df[name] = delta_bce(base.reindex(df.index), df[column])
    df["craft_over_theta0"] = df["craft_seconds"] / df["theta0_seconds"]
    df = df.reset_index()
    groups = df.groupby(
        ["dataset", "victim", "protocol", "poison_ratio", "condition"], sort=False
    )
    return groups.agg(
        n=("seed", "size"),
        h_s=("sensitive_entropy", "mean"),
        bce=("probe_bce", "mean"),
        bce_sd=("probe_bce", "std"),
        delta_vs_dup=("delta_vs_dup", "mean"),
        delta_vs_dup_sd=("delta_vs_dup", "std"),
        wins=("delta_vs_dup", lambda d: int((d > 0).sum())),
        delta_vs_clean=("delta_vs_clean", "mean"),
        **{
            f"bce_{strong}": (f"probe_bce_{strong}", "mean"),
            f"delta_{strong}_vs_dup": (f"delta_{strong}_vs_dup", "mean"),
            f"delta_{strong}_vs_dup_sd": (f"delta_{strong}_vs_dup", "std"),
            f"wins_{strong}": (f"delta_{strong}_vs_dup", lambda d: int((d > 0).sum())),
        },
        accuracy=("downstream_accuracy", "mean"),
        fields=("fields", "mean"),
        l0=("l0", "mean"),
        craft_over_theta0=("craft_over_theta0", "mean"),
    ).round(4)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(LOADERS), default="adult")
    parser.add_argument(
        "--victims", nargs="+", choices=sorted(VICTIMS), default=["cfair"]
    )
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--ratios", nargs="+", type=float, default=[0.05, 0.1, 0.15])
    parser.add_argument(
        "--protocols", nargs="+", choices=["finetune", "retrain"], default=["finetune"]
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=10,
        help="epochs on the poisoned data (retrain: 30)",
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument(
        "--strong-probe",
        choices=["mlp", "hgb"],
        default="hgb",
        help="the strong probe measured next to the default one",
    )
    parser.add_argument(
        "--conditions",
        nargs="+",
        choices=list(conditions()),
        help="subset of the conditions (default: all; duplicates always run)",
    )
    parser.add_argument(
        "--feature-domain",
        choices=["infer", "box"],
        default="infer",
        help="poisons are records (infer, the default) or anywhere in the "
        "training ranges (box: infeasible, for comparison)",
    )
    parser.add_argument("--out", type=Path, default=Path("bench_out/attack"))
    args = parser.parse_args()
    with limit_threads(args.threads):
        run(args)


def run(args):
    """Every trial of the grid; print and write the records and the summary."""
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s = LOADERS[args.dataset](return_X_y_s=True, as_frame=False)
    rows = []
    for victim_name in args.victims:
        for protocol in args.protocols:
            n_epochs = args.epochs if protocol == "finetune" else 30
            for ratio in args.ratios:
                for seed in range(args.first_seed, args.first_seed + args.seeds):
                    start = time.perf_counter()
                    records = run_paired_trial(
                        X,
                        y,
                        s,
                        victim=VICTIMS[victim_name](),
                        attacks=conditions(
                            args.conditions and ["duplicate", *args.conditions]
                        ),
                        poison_ratio=ratio,
                        seed=seed,
                        protocol=protocol,
                        n_epochs=n_epochs,
                        n_average=max(1, n_epochs // 2)
                        if protocol == "finetune"
                        else n_epochs // 3,
                        strong_probes=(args.strong_probe,),
                        feature_domain=args.feature_domain,
                    )
                    for record in records:
                        record.update(
                            dataset=args.dataset, victim=victim_name, poison_ratio=ratio
                        )
                        record["probe_bce_by_epoch"] = " ".join(
                            f"{v:.4f}" for v in record["probe_bce_by_epoch"]
                        )
                    rows.extend(records)
                    bce = {r["condition"]: r["probe_bce"] for r in records}
                    print(
                        f"{victim_name} {protocol} {ratio:.2f} seed {seed}: "
                        + " ".join(f"{k}={v:.4f}" for k, v in bce.items())
                        + f" ({time.perf_counter() - start:.0f} s)",
                        flush=True,
                    )
                    pd.DataFrame(rows).to_csv(args.out / "records.csv", index=False)
    strong = args.strong_probe
    summary = summarise(pd.DataFrame(rows), strong)
    summary.to_csv(args.out / "summary.csv")
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(summary.to_string())
    print(
        "\nΔBCE vs duplicate = BCE(duplicate) − BCE(condition), nats "
        "(> 0: the condition leaks more); default probe | strong probe "
        f"({strong}); H(s) beside:"
    )
    for index, row in summary.iterrows():
        if index[-1] not in ("clean", "duplicate"):
            print(
                f"  {index}: {row.delta_vs_dup:+.4f} ± {row.delta_vs_dup_sd:.4f}, "
                f"wins {int(row.wins)}/{int(row.n)} | "
                f"{row[f'delta_{strong}_vs_dup']:+.4f} ± "
                f"{row[f'delta_{strong}_vs_dup_sd']:.4f}, wins "
                f"{int(row[f'wins_{strong}'])}/{int(row.n)} | H(s) {row.h_s:.3f}"
            )
    print(f"\nrecords: {args.out / 'records.csv'}; summary: {args.out / 'summary.csv'}")


if __name__ == "__main__":
    main()
