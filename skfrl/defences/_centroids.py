"""Sphere and slab sanitisers: distances to the class centroids.

Steinhardt et al. (2017) and Koh et al. (2022) bound the damage of
data poisoning by removing points far from their class centroid (the
*sphere*) or far along the line between the class centroids (the *slab*).
Both are computed here on the data being sanitised, poisons included (the
data-dependent form of the defence), in the feature space the caller gives.
"""

import numpy as np

from ..utils._param_validation import StrOptions
from ._base import BaseSanitiser
from ._docstrings import fill_docstring

__all__ = ["SlabSanitiser", "SphereSanitiser"]


def _cells(y, s, within):
    """Return the cell code of each row: its class, or its (class, group)."""
    if within == "class":
        return y
    return y * 2 + s


def _centroid_offsets(X, cells):
    """Return each row minus the mean of its cell, in float64."""
    X = X.astype(np.float64)
    offsets = np.empty_like(X)
    for cell in np.unique(cells):
        rows = cells == cell
        offsets[rows] = X[rows] - X[rows].mean(axis=0)
    return offsets


class _CentroidSanitiser(BaseSanitiser):
    _parameter_constraints: dict = BaseSanitiser._parameter_constraints | {
        "within": [StrOptions({"class", "class_group"})],
    }

    @property
    def needs_sensitive_features(self):
        return self.within == "class_group"


class SphereSanitiser(_CentroidSanitiser):
    r"""Remove the rows farthest from the centroid of their class (the sphere).

    The suspicion score of a row is its Euclidean distance to the mean of the
    rows sharing its class (``within="class"``) or its class and group
    (``within="class_group"``).

    Parameters
    ----------
    within : {"class", "class_group"}, default="class"
        The cells whose centroids are used: one per class, as in Koh et al.,
        or one per (class, sensitive group).
    {common_parameters}

    Attributes
    ----------
    {fitted_attributes}

    See Also
    --------
    SlabSanitiser : The distance along the line between the centroids.

    Notes
    -----
    The score is :math:`\lVert x_i - \mu_{c(i)} \rVert_2` with
    :math:`\mu_c` the mean of cell :math:`c`.

    References
    ----------
    Steinhardt, Koh and Liang, "Certified Defenses for Data Poisoning
    Attacks", NeurIPS 2017. Koh, Steinhardt and Liang, "Stronger Data
    Poisoning Attacks Break Data Sanitization Defenses", Machine Learning
    111, 2022.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.defences import SphereSanitiser
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> X_kept, y_kept, s_kept = SphereSanitiser(random_state=0).fit_resample(X, y, s)
    >>> X_kept.shape
    (180, 20)
    """

    def __init__(
        self,
        *,
        within="class",
        contamination=0.1,
        sensitive_feature_ids=None,
        random_state=None,
    ):
        self.within = within
        self.contamination = contamination
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    def _score_samples(self, X, y, s, rng):
        offsets = _centroid_offsets(X, _cells(y, s, self.within))
        return np.linalg.norm(offsets, axis=1)


class SlabSanitiser(_CentroidSanitiser):
    r"""Remove the rows farthest from their centroid along the centroid difference.

    The suspicion score of a row is the length of its offset from its cell's
    centroid, projected on the unit vector from the overall mean to its
    class's centroid (``direction="class"``, Koh et al.'s slab: with two
    classes, the line between their centroids) or to its sensitive group's
    centroid (``direction="group"``), the direction along which a poison
    that makes ``s`` recoverable would pull.

    Parameters
    ----------
    direction : {"class", "group"}, default="class"
        The line the offsets are projected on: towards the row's class
        centroid or its group's.
    within : {"class", "class_group"}, default="class"
        The cells whose centroids the offsets start from.
    {common_parameters}

    Attributes
    ----------
    {fitted_attributes}

    See Also
    --------
    SphereSanitiser : The distance to the centroid in every direction.

    Notes
    -----
    The score is :math:`|\langle x_i - \mu_{c(i)}, u_{k(i)} \rangle|` with
    :math:`u_k = (\mu_k - \mu) / \lVert \mu_k - \mu \rVert` for the class
    or group :math:`k(i)` of the row and the overall mean :math:`\mu`; for two
    classes or groups :math:`u_k = \pm (\mu_1 - \mu_0) / \lVert \mu_1 - \mu_0
    \rVert`.

    References
    ----------
    Koh, Steinhardt and Liang, "Stronger Data Poisoning Attacks Break Data
    Sanitization Defenses", Machine Learning 111, 2022.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.defences import SlabSanitiser
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> slab = SlabSanitiser(direction="group", random_state=0)
    >>> X_kept, y_kept, s_kept = slab.fit_resample(X, y, s)
    >>> len(slab.sample_indices_)
    180
    """

    _parameter_constraints: dict = _CentroidSanitiser._parameter_constraints | {
        "direction": [StrOptions({"class", "group"})],
    }

    def __init__(
        self,
        *,
        direction="class",
        within="class",
        contamination=0.1,
        sensitive_feature_ids=None,
        random_state=None,
    ):
        self.direction = direction
        self.within = within
        self.contamination = contamination
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    @property
    def needs_sensitive_features(self):
        return self.within == "class_group" or self.direction == "group"

    def _score_samples(self, X, y, s, rng):
        sides = y if self.direction == "class" else s
        X64 = X.astype(np.float64)
        mean = X64.mean(axis=0)
        # each side's unit direction from the overall mean: with two sides,
        # both lie on the line between their centroids
        directions = np.zeros((sides.max() + 1, X.shape[1]))
        for side in np.unique(sides):
            difference = X64[sides == side].mean(axis=0) - mean
            norm = np.linalg.norm(difference)
            if norm > 0:
                directions[side] = difference / norm
        offsets = _centroid_offsets(X, _cells(y, s, self.within))
        return np.abs(np.sum(offsets * directions[sides], axis=1))


fill_docstring(SphereSanitiser)
fill_docstring(SlabSanitiser)
