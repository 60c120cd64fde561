"""Record validity: remove rows that no real form could hold."""

import numpy as np

from ..utils import FeatureDomain
from ._base import BaseSanitiser

__all__ = ["RecordValiditySanitiser"]


class RecordValiditySanitiser(BaseSanitiser):
    """Remove the rows that are not records of a schema.

    A schema check: a row is kept when every one-hot group sets exactly one
    level, discrete columns hold one of their values, integer columns sit on
    their lattice and every value is in range (see
    :class:`~skfrl.utils.FeatureDomain`). It removes every poison of a
    relaxed ``feature_domain="box"`` attack and must remove nothing
    feasible; unlike the other sanitisers it removes exactly the invalid
    rows, however many there are.

    Parameters
    ----------
    feature_domain : FeatureDomain
        The schema of valid records, e.g. ``FeatureDomain.from_data(X_clean)``
        on data the defender trusts, or the ``feature_domain_`` of a poisoner.
        It is not inferred from the rows being checked: poisons among them
        would widen it.
    sensitive_feature_ids : int, str or list, default=None
        Column mode: the columns of ``X`` holding ``s``; they are not checked
        and stay in the returned ``X``.

    Attributes
    ----------
    decision_scores_ : ndarray of shape (n_samples,)
        The number of fields of each row that break the schema (0 for a
        record).
    threshold_ : float
        The lowest score removed (``inf`` when nothing is).
    sample_indices_ : ndarray of shape (n_kept,)
        Positions of the kept rows in the input, increasing.
    n_removed_ : int
        Number of rows removed.

    See Also
    --------
    skfrl.utils.FeatureDomain : The schema.

    Examples
    --------
    >>> import numpy as np
    >>> from skfrl.defences import RecordValiditySanitiser
    >>> from skfrl.utils import FeatureDomain
    >>> X = np.array([[0, 1, 25.0], [1, 0, 40.0], [0.5, 0.5, 33.0]])
    >>> domain = FeatureDomain.from_data(X[:2], feature_names=["c=a", "c=b", "age"])
    >>> check = RecordValiditySanitiser(domain)
    >>> X_kept, y_kept = check.fit_resample(X, [0, 1, 0])
    >>> check.decision_scores_  # row 3: half of two levels, and an unseen age
    array([0., 0., 2.])
    """

    _parameter_constraints: dict = {
        "feature_domain": [FeatureDomain],
        "sensitive_feature_ids": "no_validation",  # checked by select_columns
    }

    def __init__(self, feature_domain, *, sensitive_feature_ids=None):
        self.feature_domain = feature_domain
        self.sensitive_feature_ids = sensitive_feature_ids

    def _score_samples(self, X, y, s, rng):
        domain = self.feature_domain
        domain.check_width(X)
        # a record is its own nearest record; count the fields it is not
        changed = domain.field_changes(domain.project(X), X)
        return changed.sum(axis=1).to_numpy(dtype=np.float64)

    def _rows_to_remove(self, scores, rng):
        return np.flatnonzero(scores > 0)
