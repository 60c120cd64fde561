"""The leakage table of a representation: every probe, with intervals."""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from numpy.typing import ArrayLike
from scipy.stats import t as student_t
from sklearn.model_selection import RepeatedStratifiedKFold

from ..utils._param_validation import Interval, validate_params
from ._leakage import _accuracy, _auc, _bce, _check_Z_s, sensitive_entropy
from ._probes import PROBE_NAMES, make_probe

_SCORES = {"bce": _bce, "auc": _auc, "accuracy": _accuracy}


@validate_params(
    {
        "Z": ["array-like"],
        "sensitive_features": ["array-like"],
        "probes": [list, tuple],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def leakage_report(
    Z: ArrayLike,
    sensitive_features: ArrayLike,
    *,
    probes=PROBE_NAMES,
    cv: int = 5,
    n_repeats: int = 3,
    random_state=None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Tabulate how well each probe predicts ``s`` from ``Z``, with 95 % intervals.

    Every probe is scored on the same repeated stratified folds: BCE (nats,
    lower = more leakage), ROC AUC and accuracy (higher = more leakage), each
    as the mean over the ``cv * n_repeats`` folds with a 95 % Student-t
    interval. A last row, ``"constant (H(s))"``, holds what a probe that
    learned nothing scores: BCE ``H(s)``, AUC 0.5, the share of the larger
    group. A linear probe near that row and a strong probe well below it
    means ``Z`` looks fair only to linear probes.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_components)
        The representation. Must be finite.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute ``s``.
    probes : sequence of {"logistic", "mlp", "hgb"} or classifiers, \
            default=("logistic", "mlp", "hgb")
        The probes, by name (see :func:`make_probe`) or as classifiers with
        ``predict_proba``; a classifier's row is named after its class.
    cv : int, default=5
        Folds per repetition.
    n_repeats : int, default=3
        Repetitions of the folds, each shuffled differently.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds; None is one fixed set of folds.
    n_jobs : int, default=None
        Probe fits run in parallel with joblib (-1: one per core); the
        result does not depend on it.

    Returns
    -------
    report : pandas.DataFrame
        Indexed by ``probe``; columns ``bce``, ``bce_low``, ``bce_high``,
        ``auc``, ``auc_low``, ``auc_high``, ``accuracy``, ``accuracy_low``,
        ``accuracy_high`` and ``n_folds``.

    See Also
    --------
    probe_bce : One probe's BCE, from one set of pooled predictions.

    Examples
    --------
    >>> import numpy as np
    >>> from skfrl.metrics import leakage_report
    >>> rng = np.random.RandomState(0)
    >>> s = rng.randint(2, size=600)
    >>> Z = rng.normal(size=(600, 3))
    >>> Z[:, 0] *= np.where(s == 1, 3.0, 1.0)  # s changes the spread only
    >>> report = leakage_report(Z, s, probes=("logistic", "hgb"), n_repeats=1)
    >>> report.index.tolist()
    ['logistic', 'hgb', 'constant (H(s))']
    >>> bool(report.loc["hgb", "bce"] < report.loc["logistic", "bce"] - 0.1)
    True
    """
    Z, s_codes, _ = _check_Z_s(Z, sensitive_features)
    labels = [_label(probe) for probe in probes]
    if not labels or len(set(labels)) < len(labels):
        raise ValueError(
            f"probes must name at least one probe, each once; got {labels}."
        )
    seed = 0 if random_state is None else random_state
    folds = list(
        RepeatedStratifiedKFold(
            n_splits=cv, n_repeats=n_repeats, random_state=seed
        ).split(Z, s_codes)
    )
    jobs = (
        delayed(_fold_scores)(make_probe(p), Z, s_codes, train, test)
        for p in probes
        for train, test in folds
    )
    scores = Parallel(n_jobs=n_jobs)(jobs)
    rows = [
        _summary_row(scores[k * len(folds) : (k + 1) * len(folds)])
        for k in range(len(probes))
    ]
    rows.append(_constant_row(s_codes, len(folds)))
    index = pd.Index([*labels, "constant (H(s))"], name="probe")
    return pd.DataFrame(rows, index=index)


def _label(probe):
    if isinstance(probe, str):
        make_probe(probe)  # a clear error for an unknown name
        return probe
    return type(probe).__name__


def _fold_scores(probe, Z, s_codes, train, test):
    """Fit ``probe`` on one fold's training rows; its scores on the others."""
    proba = probe.fit(Z[train], s_codes[train]).predict_proba(Z[test])[:, 1]
    return {name: score(s_codes[test], proba) for name, score in _SCORES.items()}


def _summary_row(fold_scores):
    """Mean and 95 % interval of each score over the folds."""
    half = student_t.ppf(0.975, len(fold_scores) - 1) / np.sqrt(len(fold_scores))
    row = {}
    for name in _SCORES:
        values = [scores[name] for scores in fold_scores]
        mean, sd = np.mean(values), np.std(values, ddof=1)
        row.update(
            {
                name: mean,
                f"{name}_low": mean - half * sd,
                f"{name}_high": mean + half * sd,
            }
        )
    return {**row, "n_folds": len(fold_scores)}


def _constant_row(s_codes, n_folds):
    """Return the scores of a probe that ignores ``Z``."""
    majority = float(np.bincount(s_codes).max() / len(s_codes))
    row = {"bce": sensitive_entropy(s_codes), "auc": 0.5, "accuracy": majority}
    for name in _SCORES:
        row[f"{name}_low"] = row[f"{name}_high"] = row[name]
    return {**row, "n_folds": n_folds}
