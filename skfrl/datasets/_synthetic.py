"""A small synthetic dataset whose features leak a binary sensitive attribute."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..utils._param_validation import Interval, validate_params

__all__ = ["make_biased_classification"]

# Direct effect of s on the label score (in units of the score's std).
_LABEL_BIAS = 0.25
# Std of the noise added to the label score before thresholding.
_LABEL_NOISE = 0.5


def _draw_groups(n_samples, group_ratio, rng):
    """Return ``round(group_ratio * n_samples)`` ones, shuffled among zeros.

    Both groups keep at least one sample.
    """
    n_ones = min(max(round(group_ratio * n_samples), 1), n_samples - 1)
    s = np.zeros(n_samples, dtype=np.int64)
    s[:n_ones] = 1
    rng.shuffle(s)
    return s


def _feature_names(n_informative, n_proxy, n_noise):
    """Name the columns after their role."""
    return [
        f"{role}_{i}"
        for role, count in (
            ("informative", n_informative),
            ("proxy", n_proxy),
            ("noise", n_noise),
        )
        for i in range(count)
    ]


@validate_params(
    {
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_informative": [Interval(Integral, 1, None, closed="left")],
        "leakage": [Interval(Real, 0, 1, closed="both")],
        "group_ratio": [Interval(Real, 0, 1, closed="neither")],
        "flip_y": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
        "as_frame": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_biased_classification(
    n_samples=1000,
    n_features=20,
    *,
    n_informative=5,
    leakage=0.5,
    group_ratio=0.5,
    flip_y=0.0,
    random_state=None,
    as_frame=False,
):
    r"""Generate a binary classification problem whose features leak ``s``.

    Features are standard normal. The first ``n_informative`` determine the
    label; they and a few proxy columns are shifted according to the group, by
    an amount set by ``leakage``. The remaining columns are pure noise.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples, at least 2.
    n_features : int, default=20
        Total number of features.
    n_informative : int, default=5
        Number of features the label depends on; at most ``n_features``.
    leakage : float, default=0.5
        How much the features reveal ``s``, in [0, 1]. At 0 the features are
        independent of ``s``, so a probe predicting ``s`` from them does no
        better than chance; at 1 a linear probe reaches a ROC AUC near 0.99
        with the default sizes.
    group_ratio : float, default=0.5
        Fraction of samples in group ``s = 1``, in (0, 1).
    flip_y : float, default=0.0
        Fraction of samples whose label is replaced by a random one (as in
        :func:`sklearn.datasets.make_classification`), in [0, 1].
    random_state : int, RandomState instance or None, default=None
        Seed of the generator. The global numpy generator is used only if
        None; pass an int for reproducible output.
    as_frame : bool, default=False
        Return a DataFrame and two Series (``"target"``, ``"sensitive"``)
        instead of numpy arrays.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), dtype=float64
        The features; a DataFrame if ``as_frame``.
    y : ndarray of shape (n_samples,), dtype=int64
        Binary labels; group 1 has more positives than group 0.
    s : ndarray of shape (n_samples,), dtype=int64
        The binary sensitive attribute.

    Notes
    -----
    With :math:`\sigma = 2s - 1` and :math:`\lambda` the leakage, columns are
    laid out in order: ``n_informative`` informative columns
    :math:`x_j + \lambda\sigma / 2`; ``n_proxy = min(n_features -
    n_informative, max(1, n_features // 10))`` proxy columns
    :math:`x_j + \lambda\sigma`; then noise columns :math:`x_j`, all with
    :math:`x_j \sim N(0, 1)`. The label is :math:`y = 1[w^\top x_{inf} /
    \lVert w \rVert + 0.25\sigma + 0.5\varepsilon > 0]` with positive
    weights :math:`w_j \sim U(0.5, 1.5)` and :math:`\varepsilon \sim N(0,
    1)`, so ``y`` depends on ``s`` mildly even at zero leakage. Column names,
    with ``as_frame``, say which role each column plays.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> X.shape, y.shape, s.shape
    ((200, 20), (200,), (200,))
    >>> int(s.sum())
    100
    """
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} must be at most n_features="
            f"{n_features}; lower n_informative or raise n_features."
        )
    rng = check_random_state(random_state)
    n_proxy = min(n_features - n_informative, max(1, n_features // 10))
    s = _draw_groups(n_samples, group_ratio, rng)
    sign = (2 * s - 1)[:, np.newaxis]  # (n_samples, 1)
    X = rng.standard_normal((n_samples, n_features))
    X[:, :n_informative] += 0.5 * leakage * sign
    X[:, n_informative : n_informative + n_proxy] += leakage * sign

    weights = rng.uniform(0.5, 1.5, size=n_informative)
    score = X[:, :n_informative] @ weights / np.linalg.norm(weights)
    score += _LABEL_BIAS * sign[:, 0] + _LABEL_NOISE * rng.standard_normal(n_samples)
    y = (score > 0).astype(np.int64)
    flipped = rng.random_sample(n_samples) < flip_y
    y[flipped] = rng.randint(2, size=int(flipped.sum()))

    if as_frame:
        columns = _feature_names(
            n_informative, n_proxy, n_features - n_informative - n_proxy
        )
        X = pd.DataFrame(X, columns=columns)
        y, s = pd.Series(y, name="target"), pd.Series(s, name="sensitive")
    return X, y, s
