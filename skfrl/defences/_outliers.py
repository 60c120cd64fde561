"""Outliers of the victim's representation, by an established detector."""

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import IsolationForest

from ..utils import draw_seed
from ..utils._param_validation import HasMethods
from ._base import BaseSanitiser
from ._docstrings import fill_docstring
from ._victim import fit_defender_model

__all__ = ["RepresentationOutlierSanitiser"]


class RepresentationOutlierSanitiser(BaseSanitiser):
    """Remove the rows whose representation an outlier detector finds abnormal.

    The rows are encoded by the defender's model and ``detector`` is fitted
    on their ``Z``; the suspicion score is the detector's abnormality:
    ``-score_samples(Z)``, or, for a detector that only scores the rows it
    was fitted on (``LocalOutlierFactor`` with ``novelty=False``), its
    ``-negative_outlier_factor_``.

    Parameters
    ----------
    {victim_parameters}
    detector : estimator or None, default=None
        An unfitted scikit-learn outlier detector (``fit`` and
        ``score_samples``, or ``negative_outlier_factor_``), cloned before
        use. None: ``IsolationForest(random_state=...)`` seeded from
        ``random_state``.
    {common_parameters}

    Attributes
    ----------
    {fitted_attributes}
    estimator_ : estimator
        The fitted model whose ``Z`` was scored.
    detector_ : estimator
        The fitted detector.

    See Also
    --------
    KNNConsistencySanitiser : Neighbours of another label in ``Z``.

    References
    ----------
    Liu, Ting and Zhou, "Isolation Forest", ICDM 2008.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.defences import RepresentationOutlierSanitiser
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> victim = CFair(max_epochs=2, random_state=0).fit(X, y, sensitive_features=s)
    >>> outliers = RepresentationOutlierSanitiser(victim, prefit=True, random_state=0)
    >>> X_kept, y_kept, s_kept = outliers.fit_resample(X, y, s)
    >>> X_kept.shape
    (180, 20)
    """

    _parameter_constraints: dict = BaseSanitiser._parameter_constraints | {
        "estimator": [HasMethods(["fit", "transform"])],
        "prefit": ["boolean"],
        "detector": [HasMethods(["fit"]), None],
    }

    def __init__(
        self,
        estimator,
        *,
        prefit=False,
        detector=None,
        contamination=0.1,
        sensitive_feature_ids=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.prefit = prefit
        self.detector = detector
        self.contamination = contamination
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    def _score_samples(self, X, y, s, rng):
        Z = fit_defender_model(self, X, y, s, rng).transform(X)
        if self.detector is None:
            detector = IsolationForest(random_state=draw_seed(rng))
        else:
            detector = clone(self.detector)
            if detector.get_params().get("random_state", 0) is None:
                detector.set_params(random_state=draw_seed(rng))
        self.detector_ = detector.fit(Z)
        if hasattr(detector, "negative_outlier_factor_"):
            return -np.asarray(detector.negative_outlier_factor_)
        if not callable(getattr(detector, "score_samples", None)):
            raise TypeError(
                f"detector {type(detector).__name__} has neither score_samples nor "
                "negative_outlier_factor_; use e.g. IsolationForest or "
                "LocalOutlierFactor."
            )
        return -np.asarray(detector.score_samples(Z))


fill_docstring(RepresentationOutlierSanitiser)
