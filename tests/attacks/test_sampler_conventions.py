"""scikit-learn's and imbalanced-learn's own checks on the poisoner.

They run without crashing; what a poisoner cannot pass by design (no ``s``
in the generated data, no class balancing) is an expected failure with its
reason, from :func:`skfrl.utils.estimator_checks.expected_failed_checks`.
"""

import pytest
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from skfrl.attacks import FairRepresentationPoisoner
from skfrl.models import CFair
from skfrl.utils.estimator_checks import expected_failed_checks

POISONER = FairRepresentationPoisoner(
    CFair(max_epochs=1, hidden_layer_sizes=(4,), n_components=2),
    attack="duplicate",
    random_state=0,
)


@pytest.mark.filterwarnings("ignore:A column-vector y was passed")
@parametrize_with_checks([POISONER], expected_failed_checks=expected_failed_checks)
def test_sklearn_checks(estimator, check):
    check(estimator)


# imbalanced-learn's own decorator hands pytest a generator, which it deprecates
IMBLEARN_CHECKS = list(
    estimator_checks_generator(
        POISONER,
        expected_failed_checks=expected_failed_checks(POISONER),
        mark="xfail",
    )
)


def _check_id(value):
    check = getattr(value, "func", value)
    return getattr(check, "__name__", type(value).__name__)


@pytest.mark.filterwarnings("ignore:A column-vector y was passed")
@pytest.mark.parametrize("estimator, check", IMBLEARN_CHECKS, ids=_check_id)
def test_imblearn_checks(estimator, check):
    check(estimator)


def test_the_poisoner_has_imblearns_sampler_tags():
    tags = get_tags(POISONER)
    assert tags.input_tags.dataframe and tags.sampler_tags.sample_indices
    assert tags.target_tags.required


def test_expected_failures_name_a_reason_and_only_poisoners():
    failures = expected_failed_checks(POISONER)
    assert all(len(reason) > 20 for reason in failures.values())
    with pytest.raises(TypeError, match="needs a poisoner"):
        expected_failed_checks(CFair())
