import pytest

from skfrl.attacks import (
    ATTACK_NAMES,
    AnchoringAttack,
    BaseAttack,
    DuplicateAttack,
    ENGAttack,
    LabelFlipAttack,
    RandomPerturbationAttack,
    SensitiveFlipAttack,
    make_attack,
)
from skfrl.attacks._registry import resolve_attack

EXPECTED = {
    "eng": (ENGAttack, {}),
    "raa": (AnchoringAttack, {"strategy": "random"}),
    "nraa": (AnchoringAttack, {"strategy": "non-random"}),
    "label_flip": (LabelFlipAttack, {"strategy": "random"}),
    "sensitive_flip": (SensitiveFlipAttack, {}),
    "random": (RandomPerturbationAttack, {}),
    "duplicate": (DuplicateAttack, {}),
}


def test_aliases_are_the_documented_ones():
    assert set(ATTACK_NAMES) == set(EXPECTED)


def test_make_attack_sets_parameters_and_rejects_unknown_names():
    attack = make_attack("eng", max_iter=7)
    assert isinstance(attack, ENGAttack) and attack.max_iter == 7
    assert make_attack("nraa").strategy == "non-random"
    with pytest.raises(ValueError, match="Unknown attack 'engg'; choose one of"):
        make_attack("engg")
    with pytest.raises(ValueError, match="Invalid parameter 'max_iters'"):
        make_attack("eng", max_iters=7)


@pytest.mark.parametrize("alias", sorted(EXPECTED))
def test_alias_resolves_to_a_fresh_attack(alias):
    cls, params = EXPECTED[alias]
    attack = resolve_attack(alias)
    assert type(attack) is cls
    assert isinstance(attack, BaseAttack)
    assert params.items() <= attack.get_params().items()
    assert resolve_attack(alias) is not attack
    assert attack.needs_gradients == (alias == "eng")


def test_attack_objects_are_cloned():
    attack = ENGAttack(l1_weight=0.3)
    attack.history_ = "fitted"
    resolved = resolve_attack(attack)
    assert resolved is not attack
    assert resolved.get_params() == attack.get_params()
    assert not hasattr(resolved, "history_")
