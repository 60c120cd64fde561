import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skfrl.attacks import (
    DuplicateAttack,
    FairRepresentationPoisoner,
    SensitiveFlipAttack,
)
from skfrl.models import CFair


def craft(attack, data, n_poison, seed=0):
    X, y, s = data
    return attack.craft(None, X, y, s, n_poison, np.random.RandomState(seed))


def test_duplicates_are_exact_copies(biased_data):
    X, y, s = biased_data
    poisons = craft(DuplicateAttack(), biased_data, 50)
    idx = poisons.base_indices
    assert len(np.unique(idx)) == 50  # without replacement
    assert_array_equal(poisons.X, X[idx])
    assert_array_equal(poisons.y, y[idx])
    assert_array_equal(poisons.s, s[idx])
    assert not np.shares_memory(poisons.X, X)


def test_more_poisons_than_rows_reuses_rows(biased_data):
    poisons = craft(DuplicateAttack(), biased_data, len(biased_data[0]) + 10)
    assert len(poisons.base_indices) == len(biased_data[0]) + 10


def test_sensitive_flip_flips_s_only(biased_data):
    X, y, s = biased_data
    poisons = craft(SensitiveFlipAttack(), biased_data, 50)
    idx = poisons.base_indices
    assert_array_equal(poisons.X, X[idx])
    assert_array_equal(poisons.y, y[idx])
    assert_array_equal(poisons.s, 1 - s[idx])


@pytest.mark.parametrize("attack", [DuplicateAttack(), SensitiveFlipAttack()])
def test_same_seed_same_base_rows_across_copy_attacks(attack, biased_data):
    # a shared random_state gives every copy attack the duplicates' base rows
    reference = craft(DuplicateAttack(), biased_data, 30).base_indices
    assert_array_equal(craft(attack, biased_data, 30).base_indices, reference)


def test_sensitive_flip_through_the_poisoner(biased_data):
    X, y, s = biased_data
    s_str = np.array(["a", "b"])[s]
    victim = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    poisoner = FairRepresentationPoisoner(
        victim, attack="sensitive_flip", random_state=0
    )
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s_str)
    n, base = len(X), poisoner.sample_indices_[len(X) :]
    assert_array_equal(X_res[n:], X[base])
    assert_array_equal(s_res[n:], np.array(["b", "a"])[s[base]])
    assert not poisoner.perturbations_.any()
