"""One tidy record of leakage, utility and fairness for a fitted representation."""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

from numbers import Integral

import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import clone
from sklearn.model_selection import cross_val_predict
from sklearn.utils import check_random_state

from ..utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from ._fairness import (
    _check_Z_y,
    _fairness_record,
    _make_default_classifier,
    downstream_fairness,
)
from ._information import fld_score, knn_mutual_info
from ._leakage import (
    _accuracy,
    _auc,
    _bce,
    _check_Z_s,
    _probe_proba,
    outer_folds,
    sensitive_entropy,
)
from ._probes import PROBE_NAMES, make_probe


@validate_params(
    {
        "transformer": [HasMethods(["transform"])],
        "X_eval": ["array-like"],
        "y_eval": ["array-like"],
        "sensitive_features": ["array-like"],
        "X_train": ["array-like", None],
        "y_train": ["array-like", None],
        "probe": [
            StrOptions(set(PROBE_NAMES)),
            HasMethods(["fit", "predict_proba"]),
            None,
        ],
        "strong_probes": [list, tuple],
        "classifier": [HasMethods(["fit", "predict"]), None],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=False,
)
def evaluate_representation(
    transformer,
    X_eval: ArrayLike,
    y_eval: ArrayLike,
    *,
    sensitive_features: ArrayLike,
    X_train: ArrayLike | None = None,
    y_train: ArrayLike | None = None,
    probe="logistic",
    strong_probes=(),
    classifier=None,
    cv: int = 5,
    random_state=None,
    as_frame: bool = False,
) -> dict | pd.DataFrame:
    """Measure how much a fitted representation leaks ``s`` and what it costs.

    The unit of result the experiment runner stores: the leakage, utility and
    fairness metrics of Liu et al. (2024) for ``Z = transformer.transform(X_eval)``,
    under stable snake_case keys.

    Parameters
    ----------
    transformer : fitted transformer
        An FRL model, or any fitted object with ``transform``.
    X_eval : array-like of shape (n_samples, n_features)
        The evaluation (target) set.
    y_eval : array-like of shape (n_samples,)
        Binary task labels of ``X_eval``.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute of ``X_eval``.
    X_train, y_train : array-like, default=None
        If given, the downstream classifier is fitted on
        ``transformer.transform(X_train)`` and evaluated on ``Z``; otherwise its
        predictions on ``Z`` are cross-validated.
    probe : {"logistic", "mlp", "hgb"} or classifier, default="logistic"
        The probe of ``s`` behind ``probe_bce``, see :func:`make_probe`.
    strong_probes : sequence of {"mlp", "hgb"}, default=()
        Further probes by name; each adds ``probe_bce_<name>``,
        ``probe_auc_<name>`` and ``probe_accuracy_<name>`` to the record.
    classifier : classifier, default=None
        The downstream classifier of ``y``, see :func:`downstream_fairness`.
    cv : int, default=5
        Number of shuffled stratified folds for the probe (and the downstream
        classifier without ``X_train``).
    random_state : int, RandomState instance or None, default=None
        Seeds the folds and the tie-breaking noise of :func:`knn_mutual_info`;
        None is one fixed seed, so the same inputs give the same record.
    as_frame : bool, default=False
        Return a one-row :class:`pandas.DataFrame` instead of a dict.

    Returns
    -------
    record : dict or DataFrame
        ``n_samples`` (int) and the floats ``sensitive_entropy``, ``probe_bce``,
        ``probe_auc``, ``probe_accuracy`` (one set of probe predictions),
        ``fld_score``, ``knn_mutual_info``, ``downstream_accuracy``,
        ``demographic_parity_difference`` and ``equalized_odds_difference``.

    See Also
    --------
    probe_bce, fld_score, knn_mutual_info, downstream_fairness

    Examples
    --------
    >>> from sklearn.decomposition import PCA
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import evaluate_representation
    >>> X, y, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> pca = PCA(n_components=5).fit(X)
    >>> record = evaluate_representation(
    ...     pca, X, y, sensitive_features=s, random_state=0
    ... )
    >>> record["n_samples"], bool(record["probe_bce"] < record["sensitive_entropy"])
    (400, True)
    """
    if (X_train is None) != (y_train is None):
        raise ValueError(
            "X_train and y_train go together: pass both to fit the downstream "
            "classifier on them, or neither to cross-validate it on X_eval."
        )
    for name in strong_probes:
        make_probe(name)  # a clear error for an unknown name, before any fit
    rng = check_random_state(0 if random_state is None else random_state)
    Z, s_codes, _ = _check_Z_s(transformer.transform(X_eval), sensitive_features)
    record = {"n_samples": Z.shape[0], **_leakage_record(Z, s_codes, probe, cv, rng)}
    for name in strong_probes:
        record.update(_probe_scores(Z, s_codes, name, cv, rng, suffix=f"_{name}"))
    if X_train is None:
        downstream = _cross_validated_fairness(
            Z, y_eval, sensitive_features, classifier, cv, rng
        )
    else:
        downstream = downstream_fairness(
            transformer.transform(X_train),
            y_train,
            Z,
            y_eval,
            sensitive_features=sensitive_features,
            classifier=classifier,
        )
    del downstream["metric_frame"]
    record.update(downstream)
    return pd.DataFrame([record]) if as_frame else record


def _probe_scores(Z, s_codes, probe, cv, rng, suffix=""):
    """BCE, AUC and accuracy of one set of out-of-fold probe predictions."""
    _, proba = _probe_proba(Z, s_codes, probe, cv, rng, None, None)
    return {
        f"probe_bce{suffix}": _bce(s_codes, proba),
        f"probe_auc{suffix}": _auc(s_codes, proba),
        f"probe_accuracy{suffix}": _accuracy(s_codes, proba),
    }


def _leakage_record(Z, s_codes, probe, cv, rng):
    """Entropy, probe, FLD and kNN-MI metrics; the probe is fitted once."""
    return {
        "sensitive_entropy": sensitive_entropy(s_codes),
        **_probe_scores(Z, s_codes, probe, cv, rng),
        "fld_score": fld_score(Z, s_codes),
        "knn_mutual_info": knn_mutual_info(Z, s_codes, random_state=rng),
    }


def _cross_validated_fairness(Z, y, sensitive_features, classifier, cv, rng):
    """Fairness record of out-of-fold predictions of ``y`` from ``Z``."""
    Z, y = _check_Z_y(Z, y, "X_eval", "y_eval")
    classifier = _make_default_classifier() if classifier is None else clone(classifier)
    folds = outer_folds(cv, rng)
    y_pred = cross_val_predict(classifier, Z, y, cv=folds)
    return _fairness_record(y, y_pred, sensitive_features)
