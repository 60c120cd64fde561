"""Deep k-NN: remove rows whose label disagrees with their neighbours'."""

from numbers import Integral

import numpy as np
from sklearn.neighbors import NearestNeighbors

from ..utils._param_validation import HasMethods, Interval, StrOptions
from ._base import BaseSanitiser
from ._docstrings import fill_docstring
from ._victim import fit_defender_model

__all__ = ["KNNConsistencySanitiser"]


class KNNConsistencySanitiser(BaseSanitiser):
    r"""Remove the rows whose label or group disagrees with their nearest neighbours.

    Peri et al.'s Deep k-NN defence: a poison crafted to pull a model
    somewhere its own label does not belong tends to sit among rows of
    another label. The suspicion score of a row is the share of its
    ``n_neighbors`` nearest neighbours (itself excluded) whose task label
    (``attribute="y"``), sensitive group (``"s"``) or either (``"both"``,
    the mean of the two shares) differs from its own, in input space
    (``estimator=None``) or in the representation ``Z`` of ``estimator``.

    Parameters
    ----------
    estimator : estimator or None, default=None
        None: neighbours in the input space. Otherwise the defender's model
        of the representation; neighbours in its ``Z``. Under fine-tuning
        this is the deployed clean model θ0, passed with ``prefit=True``.
        Never modified.
    n_neighbors : int, default=10
        Neighbours each row is compared with.
    attribute : {"y", "s", "both"}, default="y"
        What must agree: the task label, the sensitive group, or both.
    {prefit_parameter}
    {common_parameters}

    Attributes
    ----------
    {fitted_attributes}
    estimator_ : estimator
        The fitted model whose ``Z`` the neighbours were found in (absent in
        input space).

    See Also
    --------
    RepresentationOutlierSanitiser : Outliers of ``Z`` by an outlier detector.

    Notes
    -----
    With :math:`N_k(i)` the neighbours of row :math:`i`, the score for
    ``attribute="y"`` is :math:`\frac{1}{k} \sum_{j \in N_k(i)}
    [y_j \neq y_i]`. Scores take ``k + 1`` values, so many rows tie at the
    threshold; ties are broken at random.

    References
    ----------
    Peri, Gupta, Huang, Fowl, Zhu, Feizi, Goldstein and Dickerson, "Deep k-NN
    Defense Against Clean-Label Data Poisoning Attacks", ECCV Workshops 2020.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.defences import KNNConsistencySanitiser
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> knn = KNNConsistencySanitiser(attribute="both", random_state=0)
    >>> X_kept, y_kept, s_kept = knn.fit_resample(X, y, s)
    >>> knn.n_removed_
    20
    """

    _parameter_constraints: dict = BaseSanitiser._parameter_constraints | {
        "estimator": [HasMethods(["fit", "transform"]), None],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "attribute": [StrOptions({"y", "s", "both"})],
        "prefit": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_neighbors=10,
        attribute="y",
        prefit=False,
        contamination=0.1,
        sensitive_feature_ids=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.n_neighbors = n_neighbors
        self.attribute = attribute
        self.prefit = prefit
        self.contamination = contamination
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    @property
    def needs_sensitive_features(self):
        return self.attribute != "y"

    def _score_samples(self, X, y, s, rng):
        if self.n_neighbors >= len(X):
            raise ValueError(
                f"n_neighbors={self.n_neighbors} must be below the number of "
                f"samples; X has {len(X)} sample(s)."
            )
        if self.estimator is None:
            space = X
        else:
            space = fit_defender_model(self, X, y, s, rng).transform(X)
        # without X, kneighbors leaves each row out of its own neighbours
        neighbours = (
            NearestNeighbors(n_neighbors=self.n_neighbors).fit(space).kneighbors()[1]
        )
        shares = []
        if self.attribute in ("y", "both"):
            shares.append((y[neighbours] != y[:, None]).mean(axis=1))
        if self.attribute in ("s", "both"):
            shares.append((s[neighbours] != s[:, None]).mean(axis=1))
        return np.mean(shares, axis=0)


fill_docstring(KNNConsistencySanitiser)
