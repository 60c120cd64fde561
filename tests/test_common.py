"""scikit-learn's estimator checks on every public skfrl estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skfrl.utils.discovery import all_estimators

TINY = dict(max_epochs=2, hidden_layer_sizes=(8,), batch_size=16, random_state=0)


def _instances():
    for _, Estimator in all_estimators():
        params = {k: v for k, v in TINY.items() if k in Estimator().get_params()}
        yield Estimator(**params)


@pytest.mark.filterwarnings("ignore:.*fitted without sensitive_features:UserWarning")
@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
