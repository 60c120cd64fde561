"""scikit-learn's and imbalanced-learn's own checks on every sanitiser.

Sanitisers that need no ``s`` run as plain samplers, so scikit-learn's
checks pass in full; imbalanced-learn's four checks of class balancing
and sparse input are expected failures, each with its reason.
``RecordValiditySanitiser`` needs a schema of the data's width, which the
generated data of the checks cannot give it; ``check_sanitiser`` covers it.
"""

import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.utils.estimator_checks import parametrize_with_checks

from skfrl.defences import (
    GradientNormSanitiser,
    KNNConsistencySanitiser,
    RepresentationOutlierSanitiser,
    SlabSanitiser,
    SpectralSignatureSanitiser,
    SphereSanitiser,
)
from skfrl.models import CFair


def _victim():
    return CFair(max_epochs=1, hidden_layer_sizes=(4,), n_components=2)


SANITISERS = [
    SphereSanitiser(random_state=0),
    SlabSanitiser(random_state=0),
    KNNConsistencySanitiser(n_neighbors=3, random_state=0),
    RepresentationOutlierSanitiser(_victim(), random_state=0),
    SpectralSignatureSanitiser(_victim(), n_projections=8, random_state=0),
    GradientNormSanitiser(_victim(), n_projections=8, random_state=0),
]
_NOT_BALANCING = "a sanitiser removes suspects instead of balancing classes"
EXPECTED_IMBLEARN_FAILURES = {
    "check_samplers_fit": _NOT_BALANCING + ": it has no sampling_strategy_",
    "check_samplers_one_label": _NOT_BALANCING + ", so one class is no error",
    "check_samplers_multiclass_ova": "labels are 1-D: s and y are group codes",
    "check_samplers_pandas_sparse": "dense X only: distances and gradients "
    "are computed on dense rows (sparse input is a clear TypeError)",
}


@pytest.mark.filterwarnings("ignore:.*fitted without sensitive_features:UserWarning")
@parametrize_with_checks(SANITISERS)
def test_sklearn_checks(estimator, check):
    check(estimator)


IMBLEARN_CHECKS = [
    pair
    for sanitiser in SANITISERS
    for pair in estimator_checks_generator(
        sanitiser, expected_failed_checks=EXPECTED_IMBLEARN_FAILURES, mark="xfail"
    )
]


def _check_id(value):
    check = getattr(value, "func", value)
    return getattr(check, "__name__", type(value).__name__)


@pytest.mark.filterwarnings("ignore:.*fitted without sensitive_features:UserWarning")
@pytest.mark.filterwarnings("ignore:A column-vector y was passed")
@pytest.mark.parametrize("estimator, check", IMBLEARN_CHECKS, ids=_check_id)
def test_imblearn_checks(estimator, check):
    check(estimator)
