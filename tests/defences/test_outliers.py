import numpy as np
import pytest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from skfrl.defences import RepresentationOutlierSanitiser
from skfrl.metrics import detection_auc


class _Identity(StandardScaler):
    """A 'representation' that is X itself (standardised), to test the detector."""

    def fit(self, X, y=None, sensitive_features=None):
        return super().fit(X)


def test_planted_outliers_are_found_in_the_representation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    mask = np.arange(200) < 6
    X[mask] = rng.normal(scale=8.0, size=(6, 4))  # scattered far out
    y, s = np.arange(200) % 2, (np.arange(200) // 2) % 2
    for detector in (None, LocalOutlierFactor(n_neighbors=20)):
        sanitiser = RepresentationOutlierSanitiser(
            _Identity(), detector=detector, random_state=0
        ).fit(X, y, s)
        assert detection_auc(mask, sanitiser.decision_scores_) > 0.95
        assert sanitiser.detector_ is not detector


def test_the_default_detector_is_seeded(planted_data, tiny_victim):
    X, y, s, _ = planted_data
    runs = [
        RepresentationOutlierSanitiser(tiny_victim, prefit=True, random_state=3)
        .fit(X, y, s)
        .decision_scores_
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*runs)


class _NoScores:
    def fit(self, Z):
        return self

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self


def test_a_detector_without_scores_is_a_type_error(planted_data):
    X, y, s, _ = planted_data
    sanitiser = RepresentationOutlierSanitiser(_Identity(), detector=_NoScores())
    with pytest.raises(TypeError, match="neither score_samples"):
        sanitiser.fit(X, y, s)
    with pytest.raises(ValueError, match="'estimator' parameter"):
        RepresentationOutlierSanitiser("victim").fit(X, y, s)
