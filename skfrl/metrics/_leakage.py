"""How much a representation ``Z`` reveals the sensitive attribute ``s``.

Probe metrics (cross-validated BCE, AUC, accuracy of a classifier of ``s`` from
``Z``) and the entropy ``H(s)``, which bounds them: ``I(Z; s) >= H(s) - BCE``.
The model-free measures are in ``_information.py``.
"""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

from numbers import Integral

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import entropy
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils import check_array

from ..utils._param_validation import HasMethods, Interval, StrOptions, validate_params
from ..utils.validation import check_sensitive_features
from ._probes import PROBE_NAMES, make_probe

_Z_S_CONSTRAINTS = {"Z": ["array-like"], "sensitive_features": ["array-like"]}
_PROBE_CONSTRAINTS = {
    **_Z_S_CONSTRAINTS,
    "probe": [StrOptions(set(PROBE_NAMES)), HasMethods(["fit", "predict_proba"]), None],
    "cv": [Interval(Integral, 2, None, closed="left")],
    "random_state": ["random_state"],
    "Z_fit": ["array-like", None],
    "s_fit": ["array-like", None],
}


def outer_folds(cv, random_state):
    """Shuffled stratified folds; ``random_state=None`` is a fixed split."""
    seed = 0 if random_state is None else random_state
    return StratifiedKFold(cv, shuffle=True, random_state=seed)


def _check_Z_s(Z, sensitive_features, *, name="Z", s_name="sensitive_features"):
    """Validate a finite 2-D ``Z`` and a binary ``s``; return ``Z``, codes, groups."""
    Z = _numeric_array(Z, name)
    s_codes, groups = check_sensitive_features(
        sensitive_features, n_samples=Z.shape[0], name=s_name, against=name
    )
    return Z, s_codes, groups


def _numeric_array(Z, name):
    """Return ``Z`` as a finite numeric 2-D array, or say what is wrong with it."""
    try:
        return check_array(Z, ensure_all_finite=True, input_name=name)
    except ValueError as exc:
        if "numeric" not in str(exc) and "convert" not in str(exc):
            raise
        raise ValueError(f"{name} must be numeric (a representation); {exc}") from exc


def _probe_proba(Z, sensitive_features, probe, cv, random_state, Z_fit, s_fit):
    """Return ``(s_codes, P(s=1 | Z))`` of the probe, cross-validated or held out."""
    Z, s_codes, groups = _check_Z_s(Z, sensitive_features)
    probe = make_probe(probe)
    if (Z_fit is None) != (s_fit is None):
        raise ValueError(
            "Z_fit and s_fit go together: pass both to fit the probe on them, "
            "or neither to cross-validate it on Z."
        )
    if Z_fit is None:
        folds = outer_folds(cv, random_state)
        try:
            proba = cross_val_predict(
                probe, Z, s_codes, cv=folds, method="predict_proba"
            )
        except ValueError as exc:
            if "n_splits" not in str(exc):
                raise
            raise ValueError(
                f"Too few rows of Z to cross-validate the probe with cv={cv}: "
                f"the groups of sensitive_features hold "
                f"{np.bincount(s_codes, minlength=2).tolist()} rows ({exc}). "
                "Score more rows, or lower cv."
            ) from exc
    else:
        Z_fit, s_fit_codes, fit_groups = _check_Z_s(
            Z_fit, s_fit, name="Z_fit", s_name="s_fit"
        )
        if Z_fit.shape[1] != Z.shape[1]:
            raise ValueError(
                f"Z_fit has {Z_fit.shape[1]} columns but Z has {Z.shape[1]}; the "
                "probe is fitted on Z_fit and scored on Z, so both must be the "
                "same representation."
            )
        if not np.array_equal(fit_groups, groups):
            raise ValueError(
                f"s_fit has groups {list(fit_groups)} but sensitive_features has "
                f"{groups.tolist()}; the probe must be fitted on the same two groups."
            )
        proba = probe.fit(Z_fit, s_fit_codes).predict_proba(Z)
    return s_codes, proba[:, 1]


def _bce(s_codes, proba):
    return float(log_loss(s_codes, proba, labels=[0, 1]))


def _auc(s_codes, proba):
    return float(roc_auc_score(s_codes, proba))


def _accuracy(s_codes, proba):
    return float(accuracy_score(s_codes, proba > 0.5))


@validate_params(_PROBE_CONSTRAINTS, prefer_skip_nested_validation=False)
def probe_bce(
    Z: ArrayLike,
    sensitive_features: ArrayLike,
    *,
    probe="logistic",
    cv: int = 5,
    random_state=None,
    Z_fit: ArrayLike | None = None,
    s_fit: ArrayLike | None = None,
) -> float:
    r"""Binary cross-entropy of a probe predicting ``s`` from ``Z``, in nats.

    Lower means more leakage: :math:`I(Z; s) \ge H(s) - \mathrm{BCE}`, and a
    probe that learns nothing scores about :func:`sensitive_entropy`.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_components)
        The representation, e.g. ``transformer.transform(X)``. Must be finite.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute ``s``.
    probe : {"logistic", "mlp", "hgb"} or classifier, default="logistic"
        The default probe of every skfrl measurement, a strong probe by
        name, or any classifier with ``predict_proba`` (cloned, never fitted
        in place); see :func:`make_probe`. None means ``"logistic"``.
    cv : int, default=5
        Number of shuffled stratified folds; ignored when ``Z_fit`` is given.
    random_state : int, RandomState instance or None, default=None
        Seeds the fold shuffling. None is one fixed split, so the same
        inputs always give the same number.
    Z_fit : array-like of shape (n_fit, n_components), default=None
        If given, the probe is fitted on ``(Z_fit, s_fit)`` and evaluated on
        ``(Z, s)`` instead of being cross-validated on ``Z``.
    s_fit : array-like of shape (n_fit,) or (n_fit, k), default=None
        Sensitive attribute of ``Z_fit``, with the same two groups as ``s``.

    Returns
    -------
    bce : float
        :math:`-\frac{1}{n}\sum_i [s_i \log p_i + (1 - s_i) \log(1 - p_i)]`.

    See Also
    --------
    probe_auc, probe_accuracy : Other scores of the same predictions.
    delta_bce : Attack success from two BCEs.

    Notes
    -----
    :math:`p_i` is the probe's out-of-sample :math:`P(s_i = 1 \mid z_i)`. By
    default it comes from 5-fold cross-validation on ``Z``, the protocol used
    to evaluate poisoning attacks on FRL (Liu et al., 2024); the alternative
    fits the probe on the training embeddings (``Z_fit``) and tests it on the
    target embeddings (``Z``).

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import probe_bce
    >>> X_fair, _, s_fair = make_biased_classification(400, leakage=0, random_state=0)
    >>> round(probe_bce(X_fair, s_fair), 2)  # about H(s) = log(2)
    0.69
    >>> X, _, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> round(probe_bce(X, s), 2), round(probe_bce(X, s, probe="hgb"), 2)
    (0.09, 0.15)
    """
    s_codes, proba = _probe_proba(
        Z, sensitive_features, probe, cv, random_state, Z_fit, s_fit
    )
    return _bce(s_codes, proba)


@validate_params(_PROBE_CONSTRAINTS, prefer_skip_nested_validation=False)
def probe_auc(
    Z: ArrayLike,
    sensitive_features: ArrayLike,
    *,
    probe="logistic",
    cv: int = 5,
    random_state=None,
    Z_fit: ArrayLike | None = None,
    s_fit: ArrayLike | None = None,
) -> float:
    """ROC AUC of a probe predicting ``s`` from ``Z``; higher means more leakage.

    Scores the out-of-sample probabilities of :func:`probe_bce`; 0.5 means the
    probe ranks no better than chance.

    Parameters
    ----------
    Z, sensitive_features, probe, cv, random_state, Z_fit, s_fit : see probe_bce
        The representation, the sensitive attribute and the probe protocol.

    Returns
    -------
    auc : float

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import probe_auc
    >>> X, _, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> round(probe_auc(X, s, random_state=0), 2)
    0.99
    """
    s_codes, proba = _probe_proba(
        Z, sensitive_features, probe, cv, random_state, Z_fit, s_fit
    )
    return _auc(s_codes, proba)


@validate_params(_PROBE_CONSTRAINTS, prefer_skip_nested_validation=False)
def probe_accuracy(
    Z: ArrayLike,
    sensitive_features: ArrayLike,
    *,
    probe="logistic",
    cv: int = 5,
    random_state=None,
    Z_fit: ArrayLike | None = None,
    s_fit: ArrayLike | None = None,
) -> float:
    """Accuracy of a probe predicting ``s`` from ``Z``; higher means more leakage.

    Thresholds the out-of-sample probabilities of :func:`probe_bce` at 0.5.
    Compare it with the share of the larger group, the accuracy of a constant.

    Parameters
    ----------
    Z, sensitive_features, probe, cv, random_state, Z_fit, s_fit : see probe_bce
        The representation, the sensitive attribute and the probe protocol.

    Returns
    -------
    accuracy : float

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import probe_accuracy
    >>> X, _, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> bool(probe_accuracy(X, s, random_state=0) > 0.95)
    True
    """
    s_codes, proba = _probe_proba(
        Z, sensitive_features, probe, cv, random_state, Z_fit, s_fit
    )
    return _accuracy(s_codes, proba)


@validate_params(
    {"sensitive_features": ["array-like"]}, prefer_skip_nested_validation=True
)
def sensitive_entropy(sensitive_features: ArrayLike) -> float:
    r"""Entropy :math:`H(s)` of the sensitive attribute, in nats.

    The BCE of the best constant predictor, hence the ceiling of
    :func:`probe_bce` and of :math:`I(Z; s)`: :math:`\log 2` for balanced groups.

    Parameters
    ----------
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute ``s``.

    Returns
    -------
    entropy : float
        :math:`-\sum_k p_k \log p_k` with :math:`p_k` the share of group ``k``.

    Examples
    --------
    >>> from skfrl.metrics import sensitive_entropy
    >>> round(sensitive_entropy(["a", "b", "a", "b"]), 4)
    0.6931
    """
    s_codes, _ = check_sensitive_features(sensitive_features)
    return float(entropy(np.bincount(s_codes)))


def delta_bce(bce_clean: ArrayLike, bce_poisoned: ArrayLike) -> float | np.ndarray:
    r"""Attack success: the drop of the probe BCE caused by poisoning.

    :math:`\Delta\mathrm{BCE} = \mathrm{BCE_{clean}} - \mathrm{BCE_{poisoned}}`
    is positive when poisoning made ``s`` easier to predict from ``Z``, i.e.
    the attack injected information about ``s`` (Liu et al., 2024); larger is
    better for the attacker.

    Parameters
    ----------
    bce_clean : float or array-like
        :func:`probe_bce` of the victim trained on clean data.
    bce_poisoned : float or array-like
        :func:`probe_bce` of the victim trained on poisoned data; broadcast
        against ``bce_clean``.

    Returns
    -------
    delta : float or ndarray
        A float when both inputs are scalars.

    Examples
    --------
    >>> from skfrl.metrics import delta_bce
    >>> round(delta_bce(0.69, 0.52), 2)
    0.17
    """
    for name, value in (("bce_clean", bce_clean), ("bce_poisoned", bce_poisoned)):
        try:
            values = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be a BCE (a float or an array of floats); got {value!r}."
            ) from None
        if not np.isfinite(values).all():
            raise ValueError(f"{name} must be finite; got {value!r}.")
    # on the inputs themselves, so that pandas Series stay Series
    delta = np.subtract(bce_clean, bce_poisoned, dtype=np.float64)
    return float(delta) if delta.ndim == 0 else delta
