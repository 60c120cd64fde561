import numpy as np
import pytest

from skfrl.defences import KNNConsistencySanitiser
from skfrl.metrics import detection_auc
from skfrl.models import CFair


def _flipped(planted_data):
    X, y, s, _ = planted_data
    X, y, s = X[:200], y[:200].copy(), s[:200].copy()
    flipped = np.zeros(200, bool)
    flipped[::10] = True
    return X, y, s, flipped


def test_flipped_labels_disagree_with_their_neighbours(planted_data):
    X, y, s, flipped = _flipped(planted_data)
    y[flipped] = 1 - y[flipped]
    knn = KNNConsistencySanitiser(n_neighbors=10, random_state=0).fit(X, y, s)
    assert detection_auc(flipped, knn.decision_scores_) > 0.8
    assert not hasattr(knn, "estimator_")  # input space


def test_the_score_is_the_share_of_disagreeing_neighbours():
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    y = np.array([0, 0, 1, 1, 1, 1])
    knn = KNNConsistencySanitiser(n_neighbors=2).fit(X, y)
    np.testing.assert_allclose(knn.decision_scores_, [0.5, 0.5, 1.0, 0.0, 0.0, 0.0])


def test_groups_are_compared_with_attribute_s(planted_data):
    X, y, s, flipped = _flipped(planted_data)
    s[flipped] = 1 - s[flipped]
    X = X.copy()
    X[:, 1] += 4 * (1 - s)  # groups far apart, so a flipped s is an odd one out
    X[flipped, 1] -= 4 * (1 - 2 * s[flipped])
    both = KNNConsistencySanitiser(attribute="both", random_state=0).fit(X, y, s)
    only_s = KNNConsistencySanitiser(attribute="s", random_state=0).fit(X, y, s)
    assert detection_auc(flipped, only_s.decision_scores_) > 0.9
    assert detection_auc(flipped, both.decision_scores_) > 0.7


def test_a_model_is_fitted_on_the_data_unless_prefit(planted_data, tiny_victim):
    X, y, s, _ = planted_data
    victim = CFair(max_epochs=1, hidden_layer_sizes=(4,), n_components=2)
    knn = KNNConsistencySanitiser(victim, random_state=0).fit(X, y, s)
    assert knn.estimator_ is not victim and knn.estimator_.n_iter_ == 1
    assert not hasattr(victim, "net_")
    prefit = KNNConsistencySanitiser(tiny_victim, prefit=True).fit(X, y, s)
    assert prefit.estimator_ is tiny_victim


def test_bad_arguments(planted_data):
    X, y, s, _ = planted_data
    with pytest.raises(ValueError, match="n_neighbors=300 must be below .* 220 sample"):
        KNNConsistencySanitiser(n_neighbors=300).fit(X, y, s)
    with pytest.raises(ValueError, match="needs sensitive_features"):
        KNNConsistencySanitiser(attribute="s").fit(X, y)
    with pytest.raises(ValueError, match="not fitted"):
        KNNConsistencySanitiser(CFair(), prefit=True).fit(X, y, s)
