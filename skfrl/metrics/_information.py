"""Model-free measures of how much ``Z`` reveals ``s``: FLD and kNN MI.

The Fisher discriminant (FLD) score, the closed-form separation of the two
groups' means that ENG maximises, and a kNN estimate of ``I(Z; s)``.
"""

from __future__ import annotations  # help() shows ArrayLike, not its expansion

import warnings
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import LinAlgError, LinAlgWarning, lstsq, solve
from scipy.special import digamma
from sklearn.neighbors import KDTree, NearestNeighbors
from sklearn.preprocessing import scale
from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, validate_params
from ._leakage import _Z_S_CONSTRAINTS, _check_Z_s


@validate_params(
    _Z_S_CONSTRAINTS | {"ridge": [Interval(Real, 0, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def fld_score(Z: ArrayLike, sensitive_features: ArrayLike, *, ridge=1e-4) -> float:
    r"""Fisher linear discriminant (FLD) score of the two groups in ``Z``.

    The squared separation of the group means along the best linear direction,
    in units of the within-group spread: 0 when the means coincide, larger when
    a linear probe separates the groups better. The attacks maximise its torch
    twin in ``skfrl.nn.losses``.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_components)
        The representation. Must be finite.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute ``s``; each group needs two samples.
    ridge : float, default=1e-4
        Relative ridge :math:`\rho` added to the pooled covariance.

    Returns
    -------
    score : float
        Non-negative; ``inf`` if the groups differ but neither varies.

    Notes
    -----
    With :math:`\mu_k` and :math:`\Sigma_k` the mean and covariance (divided
    by :math:`n_k - 1`, as in the attacks' torch twin) of group :math:`k` and
    :math:`S = \Sigma_0 + \Sigma_1`,

    .. math::

        \mathrm{FLD} = (\mu_1 - \mu_0)^\top (S + \epsilon I)^{-1} (\mu_1 - \mu_0),
        \qquad \epsilon = \rho \operatorname{tr}(S) / d.

    The system is solved by Cholesky, or by least squares when :math:`S +
    \epsilon I` is singular or ill-conditioned (``ridge=0``, duplicate or
    constant columns), so no inverse is formed.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import fld_score
    >>> X_fair, _, s_fair = make_biased_classification(400, leakage=0, random_state=0)
    >>> round(fld_score(X_fair, s_fair), 1)
    0.1
    >>> X, _, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> round(fld_score(X, s), 1)
    7.5
    """
    Z, s_codes, _ = _check_Z_s(Z, sensitive_features)
    counts = np.bincount(s_codes, minlength=2)
    if counts.min() < 2:
        raise ValueError(
            "fld_score needs at least two rows of Z in each group of "
            f"sensitive_features (a covariance each); got {counts.tolist()}."
        )
    Z = Z.astype(np.float64)
    groups = [Z[s_codes == k] for k in (0, 1)]
    mean_gap = groups[1].mean(axis=0) - groups[0].mean(axis=0)  # (d,)
    scatter = sum(np.cov(g, rowvar=False).reshape(Z.shape[1], -1) for g in groups)
    trace = np.trace(scatter)
    if trace == 0:
        return 0.0 if not np.any(mean_gap) else np.inf
    scatter += ridge * trace / Z.shape[1] * np.eye(Z.shape[1])
    return float(max(mean_gap @ _solve_psd(scatter, mean_gap), 0.0))


def _solve_psd(A, b):
    """Solve ``A x = b`` for a symmetric PSD ``A``; least squares if singular."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", LinAlgWarning)
            return solve(A, b, assume_a="pos")
    except (LinAlgError, LinAlgWarning):
        return lstsq(A, b)[0]


@validate_params(
    _Z_S_CONSTRAINTS
    | {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def knn_mutual_info(
    Z: ArrayLike, sensitive_features: ArrayLike, *, n_neighbors=3, random_state=None
) -> float:
    r"""Non-linear kNN estimate of the mutual information :math:`I(Z; s)`, in nats.

    Unlike the probes and :func:`fld_score`, it assumes no model of
    :math:`P(s | Z)`; it is bounded above by :func:`sensitive_entropy`, up to
    estimation error.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_components)
        The representation. Must be finite.
    sensitive_features : array-like of shape (n_samples,) or (n_samples, k)
        The binary sensitive attribute ``s``; each group needs two samples.
    n_neighbors : int, default=3
        Neighbours :math:`k` searched within each group. Larger values lower
        the variance and raise the bias.
    random_state : int, RandomState instance or None, default=None
        Seeds the tiny noise that breaks ties between duplicate rows.

    Returns
    -------
    mi : float
        The estimate, clipped at 0.

    Notes
    -----
    The estimator of Ross (2014) that
    :func:`sklearn.feature_selection.mutual_info_classif` applies to one feature
    at a time, applied here to the whole of ``Z`` with the Chebyshev distance.
    ``Z`` is standardised and jittered as in scikit-learn. For sample :math:`i`
    in a group of :math:`N_{s_i}` samples, :math:`m_i` counts the samples of any
    group closer than its :math:`k`-th neighbour within its group:

    .. math::

        \hat I = \psi(n) + \psi(k) - \langle \psi(N_{s_i}) \rangle
        - \langle \psi(m_i) \rangle.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.metrics import knn_mutual_info
    >>> X, _, s = make_biased_classification(400, leakage=1, random_state=0)
    >>> round(knn_mutual_info(X, s, random_state=0), 1)
    0.5
    """
    Z, s_codes, _ = _check_Z_s(Z, sensitive_features)
    counts = np.bincount(s_codes)
    if counts.min() < 2:
        raise ValueError(
            "knn_mutual_info needs at least two samples in each group of "
            f"sensitive_features; got group sizes {counts.tolist()}."
        )
    Z = _standardize_with_jitter(Z, check_random_state(random_state))
    radius = np.empty(Z.shape[0])
    k = np.minimum(n_neighbors, counts - 1)  # per group
    for group in (0, 1):
        mask = s_codes == group
        nn = NearestNeighbors(n_neighbors=k[group], metric="chebyshev").fit(Z[mask])
        # just inside the k-th neighbour: count strictly closer samples
        radius[mask] = np.nextafter(nn.kneighbors()[0][:, -1], 0)
    tree = KDTree(Z, metric="chebyshev")
    m = tree.query_radius(Z, radius, count_only=True)
    mi = (
        digamma(Z.shape[0])
        + np.mean(digamma(k[s_codes]))
        - np.mean(digamma(counts[s_codes]))
        - np.mean(digamma(m))
    )
    return float(max(mi, 0.0))


def _standardize_with_jitter(Z, rng):
    """Scale columns to unit variance and add noise of relative size 1e-10."""
    Z = scale(Z.astype(np.float64), with_mean=False)
    means = np.maximum(1, np.mean(np.abs(Z), axis=0))
    return Z + 1e-10 * means * rng.standard_normal(size=Z.shape)
