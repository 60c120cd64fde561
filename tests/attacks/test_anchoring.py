import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.neighbors import NearestNeighbors

from skfrl.attacks import AnchoringAttack, FairRepresentationPoisoner
from skfrl.datasets import make_biased_classification
from skfrl.models import CFair
from skfrl.utils import FeatureDomain


@pytest.fixture(scope="module")
def data():
    """Group 1 has the lower positive rate: it is the disadvantaged group."""
    rng = np.random.default_rng(0)
    n = 300
    s = (rng.random(n) < 0.5).astype(np.int64)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    y = (X[:, 0] - 0.8 * s + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y, s


def craft(attack, data, n_poison=41, seed=0, domain=None):
    X, y, s = data
    rng = np.random.RandomState(seed)
    return attack.craft(None, X, y, s, n_poison, rng, feature_domain=domain)


@pytest.mark.parametrize("strategy", ["random", "non-random"])
@pytest.mark.parametrize("box", [True, False])
def test_poisons_anchor_near_targets_with_opposite_label(strategy, box, data):
    X, y, s = data
    attack = AnchoringAttack(strategy=strategy, tau=0.5)
    poisons = craft(attack, data, domain=FeatureDomain.box(X) if box else None)
    targets = poisons.base_indices
    distances = np.linalg.norm(poisons.X - X[targets], axis=1)
    assert distances.max() <= 0.5 + 1e-5
    assert distances.mean() > 0.25  # spread in the ball, not copies
    assert_array_equal(poisons.y, 1 - y[targets])
    assert_array_equal(poisons.s, s[targets])
    assert poisons.X.dtype == np.float32


def test_budget_split_between_the_two_kinds_of_target(data):
    X, y, s = data
    attack = AnchoringAttack()
    poisons = craft(attack, data, n_poison=41)
    assert attack.disadvantaged_group_ == 1
    targets = poisons.base_indices
    # 21 poisons near positives of group 1, labelled negative, then 20 near
    # negatives of group 0, labelled positive
    assert_array_equal(s[targets], np.repeat([1, 0], [21, 20]))
    assert_array_equal(y[targets], np.repeat([1, 0], [21, 20]))
    assert_array_equal(poisons.y, np.repeat([0, 1], [21, 20]))


def test_disadvantaged_group_follows_the_data(data):
    X, y, s = data
    attack = AnchoringAttack()
    attack.craft(None, X, y, 1 - s, 10, np.random.RandomState(0))
    assert attack.disadvantaged_group_ == 0


@pytest.mark.parametrize("per_target, n_targets", [(5, 4), (20, 1), (100, 1)])
def test_new_target_every_n_poison_per_target(per_target, n_targets, data):
    poisons = craft(AnchoringAttack(n_poison_per_target=per_target), data, n_poison=40)
    first_half = poisons.base_indices[:20]
    assert len(np.unique(first_half)) == n_targets
    blocks = first_half.reshape(n_targets, -1)  # (target, poison)
    assert (blocks == blocks[:, :1]).all()


def _same_kind_neighbours(X, y, s, tau):
    counts = np.empty(len(X), dtype=int)
    for kind in {(g, c) for g, c in zip(s, y, strict=True)}:
        rows = np.flatnonzero((s == kind[0]) & (y == kind[1]))
        found = NearestNeighbors(radius=tau).fit(X[rows]).radius_neighbors(X[rows])[1]
        counts[rows] = [len(f) for f in found]
    return counts


def test_nraa_targets_are_popular_points(data):
    X, y, s = data
    counts = _same_kind_neighbours(X, y, s, tau=0.7)
    poisons = craft(AnchoringAttack(strategy="non-random", tau=0.7), data)
    nraa_targets = np.unique(poisons.base_indices)
    pools = [((s == 1) & (y == 1)), ((s == 0) & (y == 0))]
    for pool in pools:
        chosen = np.intersect1d(nraa_targets, np.flatnonzero(pool))
        assert counts[chosen].min() >= np.quantile(counts[pool], 0.9)
    random_targets = np.unique(craft(AnchoringAttack(tau=0.7), data).base_indices)
    assert counts[nraa_targets].mean() > counts[random_targets].mean()


def test_max_candidates_bounds_the_ranked_rows(data):
    poisons = craft(AnchoringAttack(strategy="non-random", max_candidates=1), data)
    assert len(np.unique(poisons.base_indices[:21])) == 1
    assert len(np.unique(poisons.base_indices[21:])) == 1


def test_poisons_are_projected_onto_the_feature_domain(data):
    X, _, _ = data
    poisons = craft(AnchoringAttack(tau=5.0), data, domain=FeatureDomain.box(X))
    assert_array_equal(np.clip(poisons.X, X.min(0), X.max(0)), poisons.X)
    records = FeatureDomain.from_data(np.round(X))
    poisons = craft(AnchoringAttack(tau=5.0), data, domain=records)
    assert records.is_feasible(poisons.X).all()


def test_same_generator_same_poisons(data):
    first, second = craft(AnchoringAttack(), data), craft(AnchoringAttack(), data)
    assert_array_equal(first.X, second.X)
    assert not np.array_equal(first.X, craft(AnchoringAttack(), data, seed=1).X)


def test_labels_keep_their_type(data):
    X, y, s = data
    y_str = np.array(["no", "yes"])[y]
    poisons = AnchoringAttack().craft(None, X, y_str, s, 10, np.random.RandomState(0))
    assert poisons.y.dtype == y_str.dtype
    assert_array_equal(poisons.y, np.repeat(["no", "yes"], 5))


def test_needs_binary_labels(data):
    X, y, s = data
    with pytest.raises(ValueError, match="binary y; got 3 classes"):
        AnchoringAttack().craft(
            None, X, y + (X[:, 1] > 1), s, 10, np.random.RandomState(0)
        )


def test_needs_both_kinds_of_target(data):
    X, y, s = data
    y_none_positive_in_group_1 = np.where(s == 1, 0, y)
    with pytest.raises(ValueError, match="pool is empty"):
        AnchoringAttack().craft(
            None, X, y_none_positive_in_group_1, s, 10, np.random.RandomState(0)
        )


def test_invalid_parameters_raise(data):
    with pytest.raises(ValueError, match="tau"):
        craft(AnchoringAttack(tau=0.0), data)
    with pytest.raises(ValueError, match="strategy"):
        craft(AnchoringAttack(strategy="popular"), data)


@pytest.mark.parametrize("alias", ["raa", "nraa"])
def test_aliases_through_the_poisoner(alias):
    X, y, s = make_biased_classification(n_samples=200, random_state=0)
    victim = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    poisoner = FairRepresentationPoisoner(victim, attack=alias, random_state=0)
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    base = poisoner.sample_indices_[200:]
    assert_array_equal(y_res[200:], 1 - y[base])
    assert_array_equal(s_res[200:], s[base])
    assert poisoner.attack_.strategy == {"raa": "random", "nraa": "non-random"}[alias]
