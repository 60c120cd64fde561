"""Fairness and utility of a downstream classifier of ``y`` on ``Z``, via fairlearn.

skfrl computes no fairness metric itself: fairlearn's ``MetricFrame``,
``demographic_parity_difference`` and ``equalized_odds_difference`` do.
"""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

import numpy as np
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from numpy.typing import ArrayLike
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_array, column_or_1d

from ..utils._param_validation import HasMethods, validate_params
from ..utils.validation import check_sensitive_features


def _make_default_classifier():
    """Return the downstream classifier of ``y``: standardised logistic regression."""
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


_REPORT_METRICS = {
    "accuracy": accuracy_score,
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
}


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sensitive_features": ["array-like"],
    },
    prefer_skip_nested_validation=True,
)
def fairness_report(
    y_true: ArrayLike, y_pred: ArrayLike, *, sensitive_features: ArrayLike
) -> MetricFrame:
    r"""Accuracy, selection rate, TPR and FPR of binary predictions, by group.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels, 0/1 or boolean (1 is the favourable outcome).
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute ``s``; its labels index ``by_group``.

    Returns
    -------
    report : fairlearn.metrics.MetricFrame
        Columns ``accuracy``, ``selection_rate``, ``true_positive_rate`` and
        ``false_positive_rate``; ``report.difference()`` gives the gaps.

    Notes
    -----
    ``report.difference()["selection_rate"]`` is the demographic parity
    difference :math:`|P(\hat y = 1 | s = 1) - P(\hat y = 1 | s = 0)|`; the
    larger of the TPR and FPR differences is the equalized odds difference.

    Examples
    --------
    >>> from skfrl.metrics import fairness_report
    >>> report = fairness_report(
    ...     [1, 0, 1, 0], [1, 0, 0, 0], sensitive_features=["a", "a", "b", "b"]
    ... )
    >>> report.by_group["selection_rate"].tolist()
    [0.5, 0.0]
    """
    y_true, y_pred = column_or_1d(y_true), column_or_1d(y_pred)
    if len(y_pred) != len(y_true):
        raise ValueError(
            f"y_pred has {len(y_pred)} samples but y_true has {len(y_true)}."
        )
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if not set(np.unique(labels).tolist()) <= {0, 1}:
            raise ValueError(
                f"{name} must hold binary labels 0/1 or booleans (1 the "
                f"favourable outcome); got {np.unique(labels)[:5].tolist()}. Map "
                "them first, e.g. y == positive_label."
            )
    check_sensitive_features(
        sensitive_features, n_samples=len(y_true), against="y_true"
    )
    return MetricFrame(
        metrics=_REPORT_METRICS,
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sensitive_features,
    )


def _check_Z_y(Z, y, Z_name, y_name):
    """Validate a finite ``Z`` and its labels ``y``, one per row."""
    Z = check_array(Z, ensure_all_finite=True, input_name=Z_name)
    y = column_or_1d(y)
    if len(y) != Z.shape[0]:
        raise ValueError(
            f"{y_name} has {len(y)} samples but {Z_name} has {Z.shape[0]}; "
            f"pass one label per row of {Z_name}."
        )
    return Z, y


def _fairness_record(y_true, y_pred, sensitive_features):
    """Return the downstream summary of :func:`downstream_fairness`."""
    report = fairness_report(y_true, y_pred, sensitive_features=sensitive_features)
    gaps = dict(y_true=y_true, y_pred=y_pred, sensitive_features=sensitive_features)
    return {
        "downstream_accuracy": float(report.overall["accuracy"]),
        "demographic_parity_difference": float(demographic_parity_difference(**gaps)),
        "equalized_odds_difference": float(equalized_odds_difference(**gaps)),
        "metric_frame": report,
    }


@validate_params(
    {
        "Z_train": ["array-like"],
        "y_train": ["array-like"],
        "Z_test": ["array-like"],
        "y_test": ["array-like"],
        "sensitive_features": ["array-like"],
        "classifier": [HasMethods(["fit", "predict"]), None],
    },
    prefer_skip_nested_validation=False,
)
def downstream_fairness(
    Z_train: ArrayLike,
    y_train: ArrayLike,
    Z_test: ArrayLike,
    y_test: ArrayLike,
    *,
    sensitive_features: ArrayLike,
    classifier=None,
) -> dict:
    """Fit a classifier of ``y`` on ``Z_train``; report its fairness on ``Z_test``.

    The utility and fairness a user of the representation would get; the
    classifier never sees ``s``.

    Parameters
    ----------
    Z_train : array-like of shape (n_train, n_components)
        Representation of the training set, e.g. ``transformer.transform(X)``.
    y_train : array-like of shape (n_train,)
        Binary task labels of the training set.
    Z_test : array-like of shape (n_test, n_components)
        Representation of the evaluation (target) set.
    y_test : array-like of shape (n_test,)
        Binary task labels of the evaluation set.
    sensitive_features : array-like of shape (n_test,) or (n_test, k)
        The binary sensitive attribute of the evaluation set.
    classifier : classifier, default=None
        Cloned, never fitted in place. None means
        ``make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))``.

    Returns
    -------
    record : dict
        ``downstream_accuracy``, ``demographic_parity_difference`` and
        ``equalized_odds_difference`` (floats, from fairlearn) and
        ``metric_frame``, the :func:`fairness_report` of the test predictions.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import downstream_fairness
    >>> X, y, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> record = downstream_fairness(X[:200], y[:200], X[200:], y[200:],
    ...                              sensitive_features=s[200:])
    >>> bool(record["downstream_accuracy"] > 0.8)
    True
    >>> record["metric_frame"].by_group["selection_rate"].round(2).tolist()
    [0.11, 0.84]
    """
    Z_train, y_train = _check_Z_y(Z_train, y_train, "Z_train", "y_train")
    Z_test, y_test = _check_Z_y(Z_test, y_test, "Z_test", "y_test")
    classifier = _make_default_classifier() if classifier is None else clone(classifier)
    y_pred = classifier.fit(Z_train, y_train).predict(Z_test)
    return _fairness_record(y_test, y_pred, sensitive_features)
