import numpy as np
import pytest

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.defences import RecordValiditySanitiser
from skfrl.models import CFair
from skfrl.utils import FeatureDomain


def _records(n=300, seed=0):
    """Rows of a form: a one-hot field of three levels, an integer, a float."""
    rng = np.random.default_rng(seed)
    level = rng.integers(0, 3, n)
    X = np.column_stack(
        [np.eye(3)[level], rng.integers(18, 70, n), rng.normal(size=n)]
    ).astype(np.float32)
    s = (rng.random(n) < 0.4).astype(np.int64)
    y = ((level == 1) ^ (rng.random(n) < 0.2)).astype(np.int64)
    names = ["job=a", "job=b", "job=c", "age", "score"]
    return X, y, s, names


def _poisoner(domain):
    victim = CFair(max_epochs=2, hidden_layer_sizes=(8,), n_components=4)
    return FairRepresentationPoisoner(
        victim, attack=ENGAttack(max_iter=5), feature_domain=domain, random_state=0
    )


def test_box_poisons_are_all_caught_and_feasible_ones_never():
    X, y, s, names = _records()
    domain = FeatureDomain.from_data(X, feature_names=names)
    for feature_domain, caught in (("box", True), (domain, False)):
        poisoner = _poisoner(feature_domain)
        X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
        check = RecordValiditySanitiser(domain).fit(X_res, y_res, s_res)
        flagged = check.decision_scores_ > 0
        assert not flagged[~poisoner.poison_mask_].any()  # clean rows are records
        assert flagged[poisoner.poison_mask_].all() == caught
        assert check.n_removed_ == flagged.sum()


def test_the_score_counts_the_broken_fields():
    X, y, s, names = _records()
    domain = FeatureDomain.from_data(X, feature_names=names)
    bad = X[:3].copy()
    bad[0, :3] = [0.5, 0.5, 0]  # one-hot broken: one field
    bad[1, 3] += 0.5  # off the integer lattice
    bad[1, :3] = [1, 1, 0]  # and two levels set: two fields
    scores = RecordValiditySanitiser(domain).fit(bad, y[:3]).decision_scores_
    np.testing.assert_array_equal(scores, [1, 2, 0])


def test_the_schema_is_required_and_must_fit_x():
    X, y, s, names = _records()
    with pytest.raises(TypeError):
        RecordValiditySanitiser()
    with pytest.raises(ValueError, match="'feature_domain' parameter"):
        RecordValiditySanitiser("infer").fit(X, y, s)
    domain = FeatureDomain.from_data(X[:, :4])
    with pytest.raises(ValueError, match="describes 4 columns but X has 5"):
        RecordValiditySanitiser(domain).fit(X, y, s)
