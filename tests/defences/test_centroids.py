import numpy as np
import pytest

from skfrl.defences import SlabSanitiser, SphereSanitiser
from skfrl.metrics import detection_auc


def test_the_sphere_finds_rows_far_from_their_centroid(planted_data):
    X, y, s, mask = planted_data
    for within in ("class", "class_group"):
        sanitiser = SphereSanitiser(within=within, random_state=0).fit(X, y, s)
        assert detection_auc(mask, sanitiser.decision_scores_) > 0.99
        assert mask[sanitiser.sample_indices_].sum() == 0  # every planted row gone


def test_the_sphere_score_is_the_distance_to_the_class_mean():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 10.0]])
    y = np.array([0, 0, 1, 1])
    scores = SphereSanitiser().fit(X, y).decision_scores_
    np.testing.assert_allclose(scores, [1.0, 1.0, 1.0, 1.0])


def test_the_slab_measures_along_the_centroid_difference():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3)).astype(np.float32).astype(np.float64)  # as checked
    y = np.arange(40) % 2
    X[:, 0] += 3 * y
    mu = np.array([X[y == 0].mean(0), X[y == 1].mean(0)])
    u = (mu[1] - mu[0]) / np.linalg.norm(mu[1] - mu[0])
    expected = np.abs(np.sum((X - mu[y]) * u, axis=1))
    scores = SlabSanitiser().fit(X, y).decision_scores_
    np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-6)


def test_the_group_slab_catches_rows_pulled_towards_the_other_group():
    rng = np.random.default_rng(0)
    n = 300
    s = np.arange(n) % 2
    y = (np.arange(n) // 2) % 2
    X = rng.normal(size=(n, 3))
    X[:, 0] += 3 * s
    X[:30, 0] += np.where(s[:30] == 1, 6.0, -6.0)  # pushed away along the s axis
    mask = np.arange(n) < 30
    group = SlabSanitiser(direction="group", random_state=0).fit(X, y, s)
    assert detection_auc(mask, group.decision_scores_) > 0.95


def test_with_more_classes_the_slab_points_to_each_class_centroid():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 3))
    y = np.arange(60) % 3
    X[:, 0] += 3 * y
    mean = X.mean(axis=0)
    expected = []
    for row, label in zip(X, y, strict=True):
        centroid = X[y == label].mean(axis=0)
        u = (centroid - mean) / np.linalg.norm(centroid - mean)
        expected.append(abs((row - centroid) @ u))
    scores = SlabSanitiser().fit(X, y).decision_scores_
    np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-6)


def test_bad_slab_and_sphere_arguments(planted_data):
    X, y, s, _ = planted_data
    with pytest.raises(ValueError, match="'direction' parameter"):
        SlabSanitiser(direction="other").fit(X, y, s)
    with pytest.raises(ValueError, match="'within' parameter"):
        SphereSanitiser(within="group").fit(X, y, s)
    with pytest.raises(ValueError, match="Unknown label type"):
        SphereSanitiser().fit(X, X[:, 0], s)
