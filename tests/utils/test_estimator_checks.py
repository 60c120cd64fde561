import numpy as np
import pytest

from skfrl.base import BasePoisoner
from skfrl.utils.estimator_checks import (
    check_poisoner,
    check_poisoner_deterministic,
    check_poisoner_inputs_unchanged,
    check_poisoner_outputs,
)


class CopyPoisoner(BasePoisoner):
    """The smallest correct poisoner: copies of random rows."""

    def __init__(
        self, *, poison_ratio=0.1, sensitive_feature_ids=None, random_state=None
    ):
        self.poison_ratio = poison_ratio
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    def _fit_resample(self, X, y, s, rng, *, groups):
        idx = rng.choice(len(X), size=max(1, round(self.poison_ratio * len(X))))
        return X[idx].copy(), y[idx], s[idx], idx


class OneTooMany(CopyPoisoner):
    def _fit_resample(self, X, y, s, rng, *, groups):
        X_p, y_p, s_p, idx = super()._fit_resample(X, y, s, rng, groups=groups)
        return np.r_[X_p, X[:1]], np.r_[y_p, y[:1]], np.r_[s_p, s[:1]], np.r_[idx, 0]


class WritesIntoX(CopyPoisoner):
    def _fit_resample(self, X, y, s, rng, *, groups):
        X[0] += 1.0
        return super()._fit_resample(X, y, s, rng, groups=groups)


class IgnoresRandomState(CopyPoisoner):
    def _fit_resample(self, X, y, s, rng, *, groups):
        unseeded = np.random.RandomState()
        return super()._fit_resample(X, y, s, unseeded, groups=groups)


def test_a_correct_poisoner_passes(biased_data):
    check_poisoner(CopyPoisoner(), *biased_data)


@pytest.mark.parametrize(
    "poisoner, check, message",
    [
        (OneTooMany(), check_poisoner_outputs, "n_poison_ is 41; expected .* = 40"),
        (WritesIntoX(), check_poisoner_inputs_unchanged, "modified X"),
        (IgnoresRandomState(), check_poisoner_deterministic, "two seeded runs"),
    ],
)
def test_broken_poisoners_fail(poisoner, check, message, biased_data):
    X, y, s = (a.copy() for a in biased_data)
    with pytest.raises(AssertionError, match=message):
        check(poisoner, X, y, s)


def test_check_poisoner_rejects_what_is_not_a_poisoner(biased_data):
    from skfrl.models import CFair

    with pytest.raises(TypeError, match="needs a poisoner .* got CFair"):
        check_poisoner(CFair(), *biased_data)
