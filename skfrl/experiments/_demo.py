"""The README's main job: a small, paired ENG attack on real data."""

import pandas as pd

from ..metrics import delta_bce, sensitive_entropy
from ..utils import limit_threads
from ._trial import run_paired_trial
from .catalogue import ATTACKS, DATASETS, VICTIMS

__all__ = ["DEMO_DATASETS", "run_demo"]

#: the datasets of ``skfrl demo --dataset``, as named in the catalogue
DEMO_DATASETS = ("german", "adult")
_DELTA = "ΔBCE vs duplicate"


def _load(dataset):
    """Return ``(name, X, y, s)``; "auto" is Adult when its files are local."""
    if dataset not in {"auto", *DEMO_DATASETS}:
        raise ValueError(
            f"dataset must be one of {['auto', *DEMO_DATASETS]}; got {dataset!r}."
        )
    if dataset == "auto":
        try:
            return "adult", *DATASETS["adult"].fetch(
                download_if_missing=False, return_X_y_s=True, as_frame=False
            )
        except FileNotFoundError:
            dataset = "german"
    return dataset, *DATASETS[dataset].fetch(return_X_y_s=True, as_frame=False)


def run_demo(
    *,
    dataset="auto",
    n_seeds=3,
    poison_ratio=0.1,
    max_epochs=30,
    n_threads=1,
    print_fn=print,
):
    """Attack CFair with ENG under the fine-tune protocol and print the table.

    For each seed: train θ0 on 80 % of the data, then continue it for 10
    epochs on clean data, on clean data plus unperturbed duplicates, and on
    clean data plus ENG poisons of the same base rows; report the held-out
    probe BCE of skfrl's default probe (nats, averaged over the last 5
    epochs; lower = more leakage), H(s), and ΔBCE vs duplicate =
    BCE(duplicate) − BCE(eng) (> 0: ENG leaks more). Conditions are named
    as in the runner: ``"clean"``, ``"duplicate"``, ``"eng"``.

    Parameters
    ----------
    dataset : {"auto", "german", "adult"}, default="auto"
        ``"auto"`` uses Adult when its files are already in the data home
        (``SKFRL_DATA_HOME``; nothing is downloaded) and German otherwise.
        German ships with skfrl, so the demo always runs offline.
    n_seeds : int, default=3
        Paired seeds.
    poison_ratio : float, default=0.1
        Poisons as a fraction of the training set.
    max_epochs : int, default=30
        Epochs of θ0.
    n_threads : int, default=1
        Torch and BLAS threads (see :func:`skfrl.utils.limit_threads`); the
        results are bit-identical for one thread count, and may differ in
        the last digits between thread counts.
    print_fn : callable, default=print
        Where the table goes.

    Returns
    -------
    table : pandas.DataFrame
        One row per seed: H(s), the probe BCE of ``clean``, ``duplicate``
        and ``eng``, and ``ΔBCE vs duplicate``.
    """
    dataset, X, y, s = _load(dataset)
    print_fn(
        f"skfrl demo: ENG vs CFair on {dataset} ({X.shape[0]} rows, {X.shape[1]} "
        f"features), {poison_ratio:.0%} poisons, fine-tune protocol, "
        f"{n_seeds} paired seeds, {n_threads} thread(s)."
    )
    rows = []
    with limit_threads(n_threads):
        for seed in range(n_seeds):
            records = run_paired_trial(
                X,
                y,
                s,
                victim=VICTIMS["cfair"].build({"max_epochs": max_epochs}),
                attacks={name: ATTACKS[name].build() for name in ("duplicate", "eng")},
                poison_ratio=poison_ratio,
                seed=seed,
            )
            bce = {r["condition"]: r["probe_bce"] for r in records}
            entropy = records[0]["sensitive_entropy"]
            delta = delta_bce(bce["duplicate"], bce["eng"])
            rows.append({"seed": seed, "H(s)": entropy, **bce, _DELTA: delta})
            print_fn(
                f"  seed {seed}: H(s) {entropy:.4f}, "
                + ", ".join(f"{k} {v:.4f}" for k, v in bce.items())
            )
    return _summarise(pd.DataFrame(rows).set_index("seed"), dataset, s, print_fn)


def _summarise(table, dataset, s, print_fn):
    """Print the table and the paired mean; return the table."""
    print_fn(
        "\nprobe BCE of s from Z on held-out data (nats; lower = more leakage; "
        f"H(s) = {sensitive_entropy(s):.3f} on the whole dataset):"
    )
    print_fn(table.round(4).to_string())
    delta = table[_DELTA]
    spread = delta.std(ddof=1) if len(delta) > 1 else 0.0
    print_fn(
        f"\n{_DELTA} = BCE(duplicate) − BCE(eng): {delta.mean():+.4f} ± "
        f"{spread:.4f} nats (> 0: ENG leaks more), in {int((delta > 0).sum())}/"
        f"{len(table)} seeds."
    )
    if dataset == "german":
        print_fn(
            "German's 200-row target set leaves the probe little to learn from; "
            "see docs/user_guide/results.rst for what 8 seeds measured there. "
            "Put Adult in SKFRL_DATA_HOME, or run `skfrl demo --dataset adult` "
            "to download it."
        )
    return table
