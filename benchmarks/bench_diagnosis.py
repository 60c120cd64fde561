"""Where ENG loses its effect: available gap, epoch profile and crafting state.

For every victim and seed, on Adult under the fine-tune protocol, three
measurements against the same clean victim θ0 (fitted with
``random_state=seed`` on the trial's training split):

1. **Available gap.** The probe BCE of s on the held-out target set (fitted
   on one half, scored on the other, the halves of ``run_paired_trial``) of
   θ0 and of a task-only ``SupervisedEncoder`` with θ0's ``n_components``
   and ``hidden_layer_sizes`` (same seed), under the default probe
   (``logistic``) and the strong one (``hgb``). θ0's BCE minus the
   encoder's is the leakage the fairness term removed: the most an attack
   could give back.
2. **Epoch profile.** One ``run_paired_trial`` with duplicates and ENG
   (defaults), 10 fine-tuning epochs, each measured. ΔBCE vs duplicate =
   BCE(duplicate) − BCE(ENG) (> 0: ENG leaks more) after epoch 1, over
   epochs 1–3, over epochs 6–10 and over all 10 (default probe), and the
   hgb probe's ΔBCE over all 10 epochs.
3. **Crafting state.** A separate ``FairRepresentationPoisoner`` with ENG
   against θ0 (the trial's poisoner seed, ``seed + 1000``): ENG's
   ``matching_loss`` (1 − cos(g_p, g_adv)), ``proxy_slope`` (⟨g_p, g_adv⟩)
   and ``poison_grad_norm`` at its first and last step (means over the
   matched points θ0 and its one- and two-epoch look-ahead copies), the
   matching loss of the returned records and at their relaxed points, and
   the crafting seconds, also over θ0's training time. The trial's own
   ENG matching loss is written beside it: equal values mean the two
   crafts were the same.

Every BCE is in nats; H(s) of the scored rows is printed beside them. Prints
one table, mean ± sd over seeds (wins: seeds with ΔBCE > 0), per victim, and
writes ``diagnosis.csv`` (one row per victim and seed), ``history.csv``
(ENG's steps), ``records.csv`` (the trials' records) and ``summary.csv`` to
``--out``. Adult is read from ``SKFRL_DATA_HOME``.

Example (3 seeds, five victims: 15–30 min on one thread)::

    SKFRL_DATA_HOME=/work/shared/data OMP_NUM_THREADS=1 \
        python benchmarks/bench_diagnosis.py --seeds 3 --out /tmp/diag
"""

import time

import numpy as np
import pandas as pd
from _seed_tables import flat_record, run_parsed, seed_summary, trial_parser

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.experiments import HeldOutSplit, run_paired_trial, train_target_split
from skfrl.experiments.catalogue import VICTIMS, load_dataset
from skfrl.metrics import delta_bce, probe_bce, sensitive_entropy
from skfrl.models import SupervisedEncoder

DEFAULT_VICTIMS = ["cfair", "cfair_eo", "advfrl", "icvae_s", "icvae_us"]
PROBES = ("logistic", "hgb")
N_EPOCHS = 10
#: epoch windows of the default probe's ΔBCE: name -> slice of the epochs
WINDOWS = {
    "ep1": slice(0, 1),
    "ep1_3": slice(0, 3),
    "ep6_10": slice(5, 10),
    "ep1_10": slice(0, 10),
}
#: summary rows: (label, column, kind); kind "delta" also counts wins
ROWS = [
    ("H(s) of scored rows", "h_s", "value"),
    ("theta0 BCE, logistic", "theta0_logistic", "value"),
    ("task-only BCE, logistic", "task_only_logistic", "value"),
    ("gap, logistic", "gap_logistic", "value"),
    ("theta0 BCE, hgb", "theta0_hgb", "value"),
    ("task-only BCE, hgb", "task_only_hgb", "value"),
    ("gap, hgb", "gap_hgb", "value"),
    ("clean FT BCE, ep 1-10", "clean_ep1_10", "value"),
    ("duplicate BCE, ep 1-10", "duplicate_ep1_10", "value"),
    ("ENG BCE, ep 1-10", "eng_ep1_10", "value"),
    ("dBCE vs dup, ep 1", "delta_ep1", "delta"),
    ("dBCE vs dup, ep 1-3", "delta_ep1_3", "delta"),
    ("dBCE vs dup, ep 6-10", "delta_ep6_10", "delta"),
    ("dBCE vs dup, ep 1-10", "delta_ep1_10", "delta"),
    ("dBCE vs dup, hgb, ep 1-10", "delta_hgb_ep1_10", "delta"),
    ("matching loss, first step", "matching_loss_first", "value"),
    ("matching loss, last step", "matching_loss_last", "value"),
    ("matching loss, records", "matching_loss_records", "value"),
    ("matching loss, relaxed", "matching_loss_relaxed", "value"),
    ("matching loss, trial's craft", "trial_matching_loss", "value"),
    ("proxy slope, first step", "proxy_slope_first", "value"),
    ("proxy slope, last step", "proxy_slope_last", "value"),
    ("poison grad norm, first", "poison_grad_norm_first", "value"),
    ("poison grad norm, last", "poison_grad_norm_last", "value"),
    ("craft seconds", "craft_seconds", "value"),
    ("craft / theta0 training", "craft_over_theta0", "value"),
]


def held_out_bces(model, held_out):
    """Probe BCE of s under each probe, fitted on one half, scored on the other."""
    Z_fit, Z_eval = model.transform(held_out.X_fit), model.transform(held_out.X_eval)
    return {
        probe: probe_bce(
            Z_eval, held_out.s_eval, probe=probe, Z_fit=Z_fit, s_fit=held_out.s_fit
        )
        for probe in PROBES
    }


def available_gap(name, seed, split, held_out):
    """Fit θ0 and its task-only encoder; their BCEs and the gap per probe.

    Returns θ0, its training seconds and the record.
    """
    X_tr, y_tr, s_tr = split[:3]
    start = time.perf_counter()
    theta0 = VICTIMS[name].build().set_params(random_state=seed)
    theta0.fit(X_tr, y_tr, sensitive_features=s_tr)
    theta0_seconds = time.perf_counter() - start
    task_only = SupervisedEncoder(
        n_components=theta0.n_components,
        hidden_layer_sizes=theta0.hidden_layer_sizes,
        random_state=seed,
    ).fit(X_tr, y_tr, sensitive_features=s_tr)
    fair, reference = (
        held_out_bces(theta0, held_out),
        held_out_bces(task_only, held_out),
    )
    record = {"h_s": sensitive_entropy(held_out.s_eval)}
    for probe in PROBES:
        record[f"theta0_{probe}"] = fair[probe]
        record[f"task_only_{probe}"] = reference[probe]
        record[f"gap_{probe}"] = fair[probe] - reference[probe]
    return theta0, theta0_seconds, record


def crafting_state(theta0, split, ratio, seed):
    """Craft ENG poisons against θ0; what its matching reached, and its history."""
    X_tr, y_tr, s_tr, X_ta, _, s_ta = split
    poisoner = FairRepresentationPoisoner(
        theta0,
        attack=ENGAttack(),
        poison_ratio=ratio,
        prefit=True,
        random_state=seed + 1000,
        verbose=0,
    )
    start = time.perf_counter()
    poisoner.fit_resample(X_tr, y_tr, s_tr, X_target=X_ta, s_target=s_ta)
    craft_seconds = time.perf_counter() - start
    attack = poisoner.attack_
    history = attack.history_[attack.history_.restart == attack.best_restart_]
    record = {
        f"{column}_{end}": history[column].iloc[index]
        for column in ("matching_loss", "proxy_slope", "poison_grad_norm")
        for end, index in (("first", 0), ("last", -1))
    }
    record.update(
        matching_loss_records=attack.matching_loss_,
        matching_loss_relaxed=attack.relaxed_matching_loss_,
        craft_seconds=craft_seconds,
    )
    return record, attack.history_


def epoch_profile(name, data, ratio, seed):
    """One paired trial with every epoch measured; ΔBCE per window, and records."""
    records = run_paired_trial(
        *data,
        victim=VICTIMS[name].build(),
        attacks={"duplicate": "duplicate", "eng": ENGAttack()},
        poison_ratio=ratio,
        seed=seed,
        n_epochs=N_EPOCHS,
        n_average=N_EPOCHS,
        strong_probes=("hgb",),
    )
    by_name = {r["condition"]: r for r in records}
    by_epoch = {
        condition: np.asarray(by_name[condition]["probe_bce_by_epoch"])
        for condition in by_name
    }
    row = {}
    for window, epochs in WINDOWS.items():
        for condition, bces in by_epoch.items():
            row[f"{condition}_{window}"] = bces[epochs].mean()
        row[f"delta_{window}"] = delta_bce(
            row[f"duplicate_{window}"], row[f"eng_{window}"]
        )
    row["delta_hgb_ep1_10"] = delta_bce(
        by_name["duplicate"]["probe_bce_hgb"], by_name["eng"]["probe_bce_hgb"]
    )
    for epoch, delta in enumerate(delta_bce(by_epoch["duplicate"], by_epoch["eng"])):
        row[f"delta_epoch{epoch + 1}"] = delta
    row["trial_matching_loss"] = by_name["eng"]["matching_loss"]
    row["trial_craft_seconds"] = by_name["eng"]["craft_seconds"]
    return row, records


def main():
    parser = trial_parser(__doc__, seeds=3, out="/tmp/diag")
    parser.add_argument(
        "--victims", nargs="+", choices=DEFAULT_VICTIMS, default=DEFAULT_VICTIMS
    )
    run_parsed(parser, run)


def run(args):
    """Every victim and seed; print the summary, write the CSVs."""
    args.out.mkdir(parents=True, exist_ok=True)
    X, y, s, _ = load_dataset("adult")
    rows, histories, trial_records = [], [], []
    for name in args.victims:
        for seed in range(args.seeds):
            start = time.perf_counter()
            split = train_target_split(X, y, s, seed=seed)
            # the trial's halves: same arrays, same RandomState(seed)
            held_out = HeldOutSplit.from_arrays(*split[3:], np.random.RandomState(seed))
            theta0, theta0_seconds, row = available_gap(name, seed, split, held_out)
            craft, history = crafting_state(theta0, split, args.ratio, seed)
            profile, records = epoch_profile(name, (X, y, s), args.ratio, seed)
            key = {"victim": name, "seed": seed, "poison_ratio": args.ratio}
            rows.append(
                {
                    **key,
                    **row,
                    **profile,
                    **craft,
                    "theta0_seconds": theta0_seconds,
                    "craft_over_theta0": craft["craft_seconds"] / theta0_seconds,
                }
            )
            histories.append(history.assign(**key))
            trial_records += [flat_record(record, key) for record in records]
            print(
                f"{name} seed {seed}: gap {row['gap_logistic']:+.4f} "
                f"(hgb {row['gap_hgb']:+.4f}), dBCE ep1 {profile['delta_ep1']:+.4f} "
                f"ep6-10 {profile['delta_ep6_10']:+.4f}, matching loss "
                f"{craft['matching_loss_first']:.3f} -> "
                f"{craft['matching_loss_last']:.3f} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
            diagnosis = pd.DataFrame(rows)
            diagnosis.to_csv(args.out / "diagnosis.csv", index=False)
            pd.concat(histories).to_csv(args.out / "history.csv", index=False)
            pd.DataFrame(trial_records).to_csv(args.out / "records.csv", index=False)
    summary = seed_summary(diagnosis, "victim", ROWS)
    summary.to_csv(args.out / "summary.csv")
    print(
        f"\nAdult, fine-tune, {args.ratio:.0%} poisons, {args.seeds} seed(s); "
        "BCE in nats, mean ± sd over seeds; dBCE = BCE(duplicate) − BCE(ENG) "
        "(> 0: ENG leaks more), wins in brackets; gap = BCE(θ0) − BCE(task-only "
        "encoder of θ0's widths); H(s) is that of the rows every BCE is scored on."
    )
    with pd.option_context("display.width", 250, "display.max_columns", 10):
        print(summary.to_string())
    deltas = diagnosis.groupby("victim", sort=False)[
        [f"delta_epoch{e}" for e in range(1, N_EPOCHS + 1)]
    ].mean()
    print("\nmean dBCE vs duplicate per fine-tuning epoch, default probe:")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(deltas.rename(columns=lambda c: c.removeprefix("delta_")).round(4))
    print(f"\nper-seed rows: {args.out / 'diagnosis.csv'}")


if __name__ == "__main__":
    main()
