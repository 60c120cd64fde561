"""scikit-learn's checks on every model, and the poisoner contract on every attack."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skfrl.attacks import ATTACK_NAMES, FairRepresentationPoisoner, make_attack
from skfrl.models import CFair
from skfrl.utils.discovery import all_estimators
from skfrl.utils.estimator_checks import check_poisoner

TINY = dict(max_epochs=2, hidden_layer_sizes=(8,), batch_size=16, random_state=0)


def _instances():
    for _, Estimator in all_estimators():
        params = {k: v for k, v in TINY.items() if k in Estimator().get_params()}
        yield Estimator(**params)


@pytest.mark.filterwarnings("ignore:.*fitted without sensitive_features:UserWarning")
@parametrize_with_checks(list(_instances()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def _attack(name):
    """Every alias, ENG with few steps so that the contract runs in seconds."""
    return make_attack(name, max_iter=3) if name == "eng" else name


@pytest.mark.parametrize("attack", ATTACK_NAMES)
def test_poisoner_contract(attack, biased_data):
    X, y, s = biased_data
    attack = _attack(attack)
    victim = CFair(
        max_epochs=1, hidden_layer_sizes=(8,), n_components=4, random_state=0
    )
    check_poisoner(
        FairRepresentationPoisoner(victim, attack=attack, random_state=0), X, y, s
    )
