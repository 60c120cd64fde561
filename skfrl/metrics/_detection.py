"""How well a sanitiser's scores find the poisons: AUC and TPR at a fixed FPR.

Both take the poisoner's ``poison_mask_`` (True on poisons) and the
sanitiser's ``decision_scores_`` (higher = more suspicious), so detection is
scored without the sanitiser's threshold.
"""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.utils import check_array

from ..utils._param_validation import Interval, validate_params

__all__ = ["detection_auc", "true_positive_rate_at_fpr"]


def _check_detection(poison_mask, decision_scores):
    mask = check_array(
        poison_mask, ensure_2d=False, dtype=None, input_name="poison_mask"
    )
    scores = check_array(
        decision_scores,
        ensure_2d=False,
        dtype=np.float64,
        input_name="decision_scores",
    )
    if mask.ndim != 1 or scores.ndim != 1:
        raise ValueError("poison_mask and decision_scores must be 1-D.")
    if len(mask) != len(scores):
        raise ValueError(
            f"decision_scores has {len(scores)} entries but poison_mask has "
            f"{len(mask)}; pass one score per row the mask describes."
        )
    if mask.dtype != bool:
        if not np.isin(mask, (0, 1)).all():
            raise ValueError("poison_mask must be boolean (True on the poisons).")
        mask = mask.astype(bool)
    if mask.all() or not mask.any():
        raise ValueError(
            "poison_mask must mark some poisons and some clean rows; detection "
            "is undefined otherwise."
        )
    return mask, scores


@validate_params(
    {"poison_mask": ["array-like"], "decision_scores": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def detection_auc(poison_mask: ArrayLike, decision_scores: ArrayLike) -> float:
    """Return the ROC AUC of ``decision_scores`` at telling poisons from clean rows.

    Parameters
    ----------
    poison_mask : array-like of bool of shape (n_samples,)
        True on the poisons, e.g. a poisoner's ``poison_mask_``.
    decision_scores : array-like of shape (n_samples,)
        Suspicion scores, higher = more suspicious, e.g. a sanitiser's
        ``decision_scores_``.

    Returns
    -------
    auc : float
        0.5 is chance, 1 separates every poison from every clean row.

    Examples
    --------
    >>> from skfrl.metrics import detection_auc
    >>> detection_auc([False, False, True], [0.1, 0.3, 0.2])
    0.5
    """
    mask, scores = _check_detection(poison_mask, decision_scores)
    return float(roc_auc_score(mask, scores))


@validate_params(
    {
        "poison_mask": ["array-like"],
        "decision_scores": ["array-like"],
        "fpr": [Interval(Real, 0, 1, closed="both")],
    },
    prefer_skip_nested_validation=True,
)
def true_positive_rate_at_fpr(
    poison_mask: ArrayLike, decision_scores: ArrayLike, *, fpr: float = 0.05
) -> float:
    """Return the share of poisons caught when ``fpr`` of the clean rows are removed.

    The ROC curve is interpolated between its vertices, which is what a
    threshold with ties broken at random achieves, so discrete scores (k-NN
    shares) are not favoured or penalised by where their ties fall.

    Parameters
    ----------
    poison_mask : array-like of bool of shape (n_samples,)
        True on the poisons.
    decision_scores : array-like of shape (n_samples,)
        Suspicion scores, higher = more suspicious.
    fpr : float in [0, 1], default=0.05
        The share of clean rows the defender accepts to lose.

    Returns
    -------
    tpr : float

    Examples
    --------
    >>> from skfrl.metrics import true_positive_rate_at_fpr
    >>> true_positive_rate_at_fpr([0, 0, 0, 0, 1], [1, 2, 3, 4, 5], fpr=0.0)
    1.0
    """
    mask, scores = _check_detection(poison_mask, decision_scores)
    fprs, tprs, _ = roc_curve(mask, scores, drop_intermediate=False)
    # the last vertex at or before fpr (on a vertical rise, its top), then
    # the straight segment to the next one
    i = np.searchsorted(fprs, fpr, side="right") - 1
    if fprs[i] == fpr or i == len(fprs) - 1:
        return float(tprs[i])
    weight = (fpr - fprs[i]) / (fprs[i + 1] - fprs[i])
    return float(tprs[i] + weight * (tprs[i + 1] - tprs[i]))
