import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skfrl.attacks import RandomPerturbationAttack
from skfrl.utils import FeatureDomain


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(150, 8)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    s = (rng.random(150) < 0.5).astype(np.int64)
    return X, y, s


def perturbations(attack, data, n_poison=40, seed=0, domain=None):
    X, y, s = data
    rng = np.random.RandomState(seed)
    poisons = attack.craft(None, X, y, s, n_poison, rng, feature_domain=domain)
    return poisons, poisons.X - X[poisons.base_indices]


@pytest.mark.parametrize("scale", [0.1, 1.0, 3.0])
def test_perturbations_have_the_requested_l2_norm(scale, data):
    _, delta = perturbations(RandomPerturbationAttack(scale=scale), data)
    assert_allclose(np.linalg.norm(delta, axis=1), scale, rtol=1e-5)
    assert (np.count_nonzero(delta, axis=1) == 8).all()


@pytest.mark.parametrize("n_changed", [1, 3, 8])
def test_sparse_perturbations_have_the_requested_l0(n_changed, data):
    attack = RandomPerturbationAttack(n_features_changed=n_changed)
    _, delta = perturbations(attack, data)
    assert (np.count_nonzero(delta, axis=1) == n_changed).all()
    assert_allclose(np.linalg.norm(delta, axis=1), 1.0, rtol=1e-5)


def test_support_is_drawn_per_poison(data):
    attack = RandomPerturbationAttack(n_features_changed=2)
    _, delta = perturbations(attack, data)
    supports = {tuple(np.flatnonzero(row)) for row in delta}
    assert len(supports) > 10
    assert set(np.flatnonzero(delta.any(axis=0))) == set(range(8))


def test_directions_are_random(data):
    _, delta = perturbations(RandomPerturbationAttack(), data, 400)
    assert np.abs(delta.mean(axis=0)).max() < 0.1
    assert_allclose((delta**2).mean(axis=0), 1 / 8, atol=0.04)


def test_labels_and_groups_are_kept(data):
    X, y, s = data
    poisons, _ = perturbations(RandomPerturbationAttack(), data)
    assert_array_equal(poisons.y, y[poisons.base_indices])
    assert_array_equal(poisons.s, s[poisons.base_indices])
    assert poisons.X.dtype == X.dtype


def test_projection_onto_the_feature_domain(data):
    X, _, _ = data
    attack = RandomPerturbationAttack(scale=3.0)
    poisons, delta = perturbations(attack, data, domain=FeatureDomain.box(X))
    assert_array_equal(np.clip(poisons.X, X.min(0), X.max(0)), poisons.X)
    assert (np.linalg.norm(delta, axis=1) <= 3.0 + 1e-5).all()
    records = FeatureDomain.from_data(np.round(X))
    poisons, _ = perturbations(attack, data, domain=records)
    assert records.is_feasible(poisons.X).all()


def test_zero_scale_gives_copies(data):
    _, delta = perturbations(RandomPerturbationAttack(scale=0.0), data)
    assert not delta.any()


def test_same_generator_same_poisons(data):
    first, _ = perturbations(RandomPerturbationAttack(), data)
    second, _ = perturbations(RandomPerturbationAttack(), data)
    other, _ = perturbations(RandomPerturbationAttack(), data, seed=1)
    assert_array_equal(first.X, second.X)
    assert not np.array_equal(first.X, other.X)


def test_too_many_features_changed_raises(data):
    with pytest.raises(ValueError, match="n_features_changed=9 exceeds the 8"):
        perturbations(RandomPerturbationAttack(n_features_changed=9), data)
