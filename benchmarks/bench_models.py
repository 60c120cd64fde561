"""Utility and leakage of every skfrl model on Adult, with its defaults.

For each seed, Adult is split 80/20 stratified by s (the seed also seeds the
split), standardised on the training part, and every model is fitted on the
training part with ``random_state=seed``. On the held-out part it reports:

- ``accuracy``: a logistic regression of y fitted on the training Z;
- ``bce_logistic``, ``bce_mlp``, ``bce_hgb``: the probe BCE of s under
  skfrl's default probe and the two strong probes (``skfrl.metrics.
  make_probe``), 5-fold cross-validated on the held-out Z (higher means
  less leakage; at most about ``H(s)``);
- ``H(s)``: the entropy of s on the held-out part, the BCE of a constant;
- ``dp_gap`` and ``eo_gap``: fairlearn's demographic parity and equalised
  odds differences of the downstream predictions;
- ``reference_<probe>`` and ``gain_<probe>``: for a fair model, the probe
  BCE of a ``SupervisedEncoder`` with the same ``n_components`` and
  ``hidden_layer_sizes`` (the same MLP without a fairness term), fitted with
  the same seed, and the model's BCE minus it: what fairness buys, per
  probe. A fair model with a positive gain under the default probe and a
  negative one under a strong probe hides ``s`` from linear probes only.

``identity`` is the standardised X itself, the reference without any
representation. Prints the mean (and standard deviation) over seeds and writes
one row per model and seed to ``<out>/models.csv``. ``--models`` also
accepts the variants of ``VARIANTS`` (other widths and weights).

Example::

    python benchmarks/bench_models.py --data-home /work/shared/data \
        --seeds 3 --threads 1 --out bench_out/models
"""

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skfrl.datasets import fetch_adult
from skfrl.metrics import (
    PROBE_NAMES,
    downstream_fairness,
    probe_bce,
    sensitive_entropy,
)
from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder
from skfrl.utils import limit_threads

MODELS = {
    "supervised": SupervisedEncoder,
    "cfair": CFair,
    "cfair_eo": lambda **kw: CFair(class_weight=None, **kw),
    "advfrl": AdvFRL,
    "icvae_s": ICVAE,
    "icvae_us": lambda **kw: ICVAE(supervised=False, **kw),
    # the representation ICVAE's invariance penalty acts on: sampled z
    "icvae_s_sampled": lambda **kw: ICVAE(representation="sample", **kw),
    "icvae_us_sampled": lambda **kw: ICVAE(
        supervised=False, representation="sample", **kw
    ),
}
# Variants that are not run by default: other widths and weights, to compare
# with the defaults (benchmarks/README.md).
VARIANTS = {
    "supervised_z16": lambda **kw: SupervisedEncoder(n_components=16, **kw),
    "supervised_z60": lambda **kw: SupervisedEncoder(
        n_components=60, hidden_layer_sizes=(60,), **kw
    ),
    "cfair_z8": lambda **kw: CFair(n_components=8, **kw),
    "advfrl_w1": lambda **kw: AdvFRL(fairness_weight=1.0, **kw),
    "icvae_s_z16": lambda **kw: ICVAE(n_components=16, **kw),
    "icvae_us_z16": lambda **kw: ICVAE(n_components=16, supervised=False, **kw),
}


def split_adult(data_home, seed):
    """Return standardised float32 train and test parts of Adult."""
    X, y, s = fetch_adult(data_home=data_home, return_X_y_s=True, as_frame=False)
    X_train, X_test, y_train, y_test, s_train, s_test = train_test_split(
        X, y, s, test_size=0.2, stratify=s, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train).astype(np.float32)
    X_test = scaler.transform(X_test).astype(np.float32)
    return (X_train, y_train, s_train), (X_test, y_test, s_test)


def evaluate(Z_train, Z_test, train, test):
    """Downstream accuracy and gaps, held-out probe BCEs and H(s)."""
    (_, y_train, _), (_, y_test, s_test) = train, test
    record = downstream_fairness(
        Z_train, y_train, Z_test, y_test, sensitive_features=s_test
    )
    return {
        "accuracy": record["downstream_accuracy"],
        **{f"bce_{p}": probe_bce(Z_test, s_test, probe=p) for p in PROBE_NAMES},
        "H(s)": sensitive_entropy(s_test),
        "dp_gap": record["demographic_parity_difference"],
        "eo_gap": record["equalized_odds_difference"],
    }


def fit_and_evaluate(model, train, test):
    """Fit ``model`` on the training part; its held-out record and fit time."""
    X_train, y_train, s_train = train
    start = time.perf_counter()
    model.fit(X_train, y_train, sensitive_features=s_train)
    Z_train, Z_test = model.transform(X_train), model.transform(test[0])
    fit_seconds = time.perf_counter() - start
    return {**evaluate(Z_train, Z_test, train, test), "fit_seconds": fit_seconds}


def matched_reference(model, params):
    """The same encoder widths trained on the task alone: no fairness term."""
    return SupervisedEncoder(
        n_components=model.n_components,
        hidden_layer_sizes=model.hidden_layer_sizes,
        **params,
    )


def run_model(name, seed, epochs, train, test, reference_bce):
    """Fit one model and its width-matched reference; evaluate both.

    ``reference_bce`` caches the references' BCEs by encoder widths.
    """
    if name == "identity":
        record = {**evaluate(train[0], test[0], train, test), "fit_seconds": 0.0}
        return {"model": name, "seed": seed, **record}
    params = {"random_state": seed}
    if epochs is not None:
        params["max_epochs"] = epochs
    model = {**MODELS, **VARIANTS}[name](**params)
    record = fit_and_evaluate(model, train, test)
    if not isinstance(model, SupervisedEncoder):
        widths = (model.n_components, tuple(model.hidden_layer_sizes))
        if widths not in reference_bce:
            reference_bce[widths] = fit_and_evaluate(
                matched_reference(model, params), train, test
            )
        for probe in PROBE_NAMES:
            reference = reference_bce[widths][f"bce_{probe}"]
            record[f"reference_{probe}"] = reference
            record[f"gain_{probe}"] = record[f"bce_{probe}"] - reference
    return {"model": name, "seed": seed, **record}


def summarise(records):
    """Mean and standard deviation over seeds, one row per model."""
    bces = [f"bce_{p}" for p in PROBE_NAMES]
    gains = [f"gain_{p}" for p in PROBE_NAMES if f"gain_{p}" in records]
    metrics = ["accuracy", "H(s)", *bces, *gains, "dp_gap", "eo_gap", "fit_seconds"]
    groups = records.groupby("model", sort=False)[metrics]
    table = groups.mean().round(4)
    if records["seed"].nunique() > 1:
        sd = groups.std().round(4)
        for column in ["accuracy", *bces, *gains]:
            table[f"{column}_sd"] = sd[column]
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--out", type=Path, default=Path("bench_out"))
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0 .. n-1")
    parser.add_argument(
        "--epochs", type=int, default=None, help="max_epochs (default: each model's)"
    )
    parser.add_argument(
        "--models",
        nargs="+",
        choices=["identity", *MODELS, *VARIANTS],
        default=["identity", *MODELS],
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    args = parser.parse_args()
    with limit_threads(args.threads):
        run(args)


def run(args):
    """Every model and seed; print and write the records and the summary."""
    records = []
    for seed in range(args.seeds):
        train, test = split_adult(args.data_home, seed)
        reference_bce = {}
        for name in args.models:
            records.append(
                run_model(name, seed, args.epochs, train, test, reference_bce)
            )
            print(
                {
                    k: round(v, 4) if isinstance(v, float) else v
                    for k, v in records[-1].items()
                },
                flush=True,
            )
    records = pd.DataFrame(records)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(summarise(records).to_string())
    args.out.mkdir(parents=True, exist_ok=True)
    records.to_csv(args.out / "models.csv", index=False)


if __name__ == "__main__":
    main()
