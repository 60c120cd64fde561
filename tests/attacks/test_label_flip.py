import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skfrl.attacks import LabelFlipAttack


@pytest.fixture(scope="module")
def data():
    """Group 1 has the lower positive rate: it is the disadvantaged group."""
    rng = np.random.default_rng(1)
    n = 200
    s = (rng.random(n) < 0.5).astype(np.int64)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    y = (X[:, 0] - s > -0.5).astype(np.int64)
    return X, y, s


def craft(attack, data, n_poison=30, seed=0):
    X, y, s = data
    return attack.craft(None, X, y, s, n_poison, np.random.RandomState(seed))


@pytest.mark.parametrize("strategy", ["random", "targeted"])
def test_flips_y_only(strategy, data):
    X, y, s = data
    poisons = craft(LabelFlipAttack(strategy=strategy), data)
    idx = poisons.base_indices
    assert_array_equal(poisons.X, X[idx])
    assert_array_equal(poisons.s, s[idx])
    assert_array_equal(poisons.y, 1 - y[idx])
    assert poisons.y.dtype == y.dtype


def test_random_copies_distinct_rows(data):
    poisons = craft(LabelFlipAttack(), data, n_poison=100)
    assert len(np.unique(poisons.base_indices)) == 100


def test_targeted_flips_anchoring_targets(data):
    _, y, s = data
    idx = craft(LabelFlipAttack(strategy="targeted"), data, n_poison=31).base_indices
    # positives of the disadvantaged group 1, then negatives of group 0
    assert_array_equal(s[idx], np.repeat([1, 0], [16, 15]))
    assert_array_equal(y[idx], np.repeat([1, 0], [16, 15]))


def test_same_generator_same_poisons(data):
    first, second = craft(LabelFlipAttack(), data), craft(LabelFlipAttack(), data)
    assert_array_equal(first.base_indices, second.base_indices)


def test_string_labels(data):
    X, y, s = data
    y_str = np.array(["bad", "good"])[y]
    poisons = LabelFlipAttack().craft(None, X, y_str, s, 20, np.random.RandomState(0))
    assert_array_equal(poisons.y, np.array(["good", "bad"])[y[poisons.base_indices]])


@pytest.mark.parametrize("strategy", ["random", "targeted"])
def test_needs_binary_labels(strategy, data):
    X, y, s = data
    with pytest.raises(ValueError, match="binary y"):
        LabelFlipAttack(strategy=strategy).craft(
            None, X, np.zeros_like(y), s, 5, np.random.RandomState(0)
        )


def test_invalid_strategy_raises(data):
    with pytest.raises(ValueError, match="strategy"):
        craft(LabelFlipAttack(strategy="all"), data)
