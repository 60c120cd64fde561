"""Stealth of poisons: how far, and in which features, they moved from their bases.

Pair each poison with the clean row it was crafted from, e.g. with a fitted
poisoner ``p``: ``X_original = X[p.sample_indices_[p.poison_mask_]]`` and
``X_poisoned = X_res[p.poison_mask_]``.
"""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

from numbers import Real

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.utils import check_array

from ..utils import changed_features, perturbation_norms
from ..utils._param_validation import Interval, validate_params

_PAIR_CONSTRAINTS = {
    "X_original": ["array-like"],
    "X_poisoned": ["array-like"],
    "tol": [Interval(Real, 0, None, closed="left")],
}


def _perturbations(X_original, X_poisoned):
    """Return ``X_poisoned - X_original`` after checking the two match."""
    X_original = check_array(X_original, input_name="X_original")
    X_poisoned = check_array(X_poisoned, input_name="X_poisoned")
    if X_original.shape != X_poisoned.shape:
        raise ValueError(
            f"X_poisoned has shape {X_poisoned.shape} but X_original has shape "
            f"{X_original.shape}; pass each poison and the row it was crafted "
            "from, in the same order."
        )
    return X_poisoned.astype(np.float64) - X_original


@validate_params(_PAIR_CONSTRAINTS, prefer_skip_nested_validation=True)
def perturbation_stats(
    X_original: ArrayLike, X_poisoned: ArrayLike, *, tol: float = 0.0
) -> pd.DataFrame:
    r"""Size of each poison's perturbation in the L0, L1 and L2 norms.

    Parameters
    ----------
    X_original : array-like of shape (n_poison, n_features)
        The clean base rows.
    X_poisoned : array-like of shape (n_poison, n_features)
        The poisons, row for row.
    tol : float, default=0.0
        A feature counts as changed when it moved by more than ``tol``;
        the poisoner's poisons keep their base row's exact values where
        they were not edited, so the default counts every edit. Raise it
        for poisons that went through a lossy round trip (e.g. float32).

    Returns
    -------
    stats : DataFrame of shape (n_poison, 3)
        One row per poison; columns ``l0`` (int, number of changed features),
        ``l1`` and ``l2``. ``stats.mean()`` gives the per-poison averages.

    Notes
    -----
    With :math:`\delta = x^p - x^0`: :math:`\|\delta\|_0 = \#\{j : |\delta_j| >
    \mathrm{tol}\}`, :math:`\|\delta\|_1 = \sum_j |\delta_j|` and
    :math:`\|\delta\|_2 = (\sum_j \delta_j^2)^{1/2}`; only :math:`\|\delta\|_0`
    uses ``tol``.

    Examples
    --------
    >>> import numpy as np
    >>> from skfrl.metrics import perturbation_stats
    >>> X = np.zeros((2, 3))
    >>> perturbation_stats(X, [[3.0, 0, -4], [0, 0, 0]])
       l0   l1   l2
    0   2  7.0  5.0
    1   0  0.0  0.0
    """
    return perturbation_norms(_perturbations(X_original, X_poisoned), tol=tol)


@validate_params(
    _PAIR_CONSTRAINTS | {"feature_names": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def feature_change_frequency(
    X_original: ArrayLike,
    X_poisoned: ArrayLike,
    *,
    tol: float = 0.0,
    feature_names: ArrayLike | None = None,
) -> pd.Series:
    """Fraction of poisons that change each feature.

    The basis of the feature-vulnerability analysis of Liu et al. (2024):
    features that a sparse attack changes often are the ones it finds useful.

    Parameters
    ----------
    X_original : array-like of shape (n_poison, n_features)
        The clean base rows.
    X_poisoned : array-like of shape (n_poison, n_features)
        The poisons, row for row.
    tol : float, default=0.0
        A feature counts as changed when it moved by more than ``tol``;
        the poisoner's poisons keep their base row's exact values where
        they were not edited, so the default counts every edit. Raise it
        for poisons that went through a lossy round trip (e.g. float32).
    feature_names : array-like of shape (n_features,), default=None
        Names for the index. None means the columns of ``X_poisoned`` if it is
        a DataFrame, else ``x0, x1, ...``.

    Returns
    -------
    frequency : Series of shape (n_features,)
        Values in [0, 1] named ``change_frequency``, in feature order; call
        ``.sort_values(ascending=False)`` to rank the features.

    Examples
    --------
    >>> import numpy as np
    >>> from skfrl.metrics import feature_change_frequency
    >>> X = np.zeros((2, 3))
    >>> feature_change_frequency(X, [[1.0, 0, 0], [1.0, 2.0, 0]]).tolist()
    [1.0, 0.5, 0.0]
    """
    delta = _perturbations(X_original, X_poisoned)
    if feature_names is None:
        feature_names = getattr(X_poisoned, "columns", None)
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(delta.shape[1])]
    if len(feature_names) != delta.shape[1]:
        raise ValueError(
            f"feature_names has {len(feature_names)} names but X_poisoned has "
            f"{delta.shape[1]} features; pass one name per column."
        )
    frequency = changed_features(delta, tol=tol).mean(axis=0)
    return pd.Series(frequency, index=pd.Index(feature_names), name="change_frequency")
