import numpy as np
import pandas as pd
import pytest
from sklearn.feature_selection import mutual_info_classif
from sklearn.neural_network import MLPClassifier

from skfrl.metrics import (
    delta_bce,
    fld_score,
    knn_mutual_info,
    probe_accuracy,
    probe_auc,
    probe_bce,
    sensitive_entropy,
)

PROBE_METRICS = [probe_bce, probe_auc, probe_accuracy]
Z_METRICS = [*PROBE_METRICS, fld_score, knn_mutual_info]


def make_data(n=400, shift=1.5, p=0.4, seed=0):
    """Return a fair Z (noise), a leaky Z (noise shifted by s) and s."""
    rng = np.random.default_rng(seed)
    s = (rng.random(n) < p).astype(int)
    Z_fair = rng.normal(size=(n, 4))
    Z_leaky = Z_fair + shift * s[:, None]
    return Z_fair, Z_leaky, s


@pytest.mark.parametrize("metric", [probe_auc, probe_accuracy, fld_score])
def test_leakage_metrics_rank_leaky_above_fair(metric):
    Z_fair, Z_leaky, s = make_data()
    assert metric(Z_leaky, s) > metric(Z_fair, s) + 0.1


def test_probe_bce_is_lower_on_leaky_representation():
    Z_fair, Z_leaky, s = make_data()
    assert probe_bce(Z_leaky, s, random_state=0) < probe_bce(Z_fair, s, random_state=0)
    assert probe_auc(Z_fair, s, random_state=0) == pytest.approx(0.5, abs=0.1)


def test_probe_bce_of_noise_is_close_to_entropy():
    Z_fair, _, s = make_data(n=2000, p=0.3)
    entropy = sensitive_entropy(s)
    assert probe_bce(Z_fair, s, random_state=0) == pytest.approx(entropy, abs=0.02)


def test_probe_accepts_another_classifier():
    _, Z_leaky, s = make_data(n=200)
    probe = MLPClassifier(
        (8,), solver="lbfgs", alpha=1.0, max_iter=2000, random_state=0
    )
    assert probe_bce(Z_leaky, s, probe=probe, cv=3, random_state=0) < 0.5
    assert not hasattr(probe, "coefs_")  # cloned, not fitted in place


@pytest.mark.parametrize("metric", PROBE_METRICS)
def test_probe_fit_on_other_data(metric):
    Z_fair, Z_leaky, s = make_data(seed=0)
    _, Z_test, s_test = make_data(seed=1)
    held_out = metric(Z_test, s_test, Z_fit=Z_leaky, s_fit=s)
    cross_validated = metric(Z_test, s_test, random_state=0)
    assert held_out == pytest.approx(cross_validated, abs=0.1)
    assert metric(Z_test, s_test, Z_fit=Z_fair, s_fit=s) != held_out


def test_probe_fit_arguments_go_together():
    _, Z, s = make_data()
    with pytest.raises(ValueError, match="Z_fit and s_fit"):
        probe_bce(Z, s, Z_fit=Z)


def test_probe_fit_groups_must_match():
    _, Z, s = make_data()
    with pytest.raises(ValueError, match="s_fit"):
        probe_bce(Z, s, Z_fit=Z, s_fit=np.where(s, "a", "b"))


@pytest.mark.parametrize("metric", [*PROBE_METRICS, knn_mutual_info])
def test_random_state_gives_same_result(metric):
    _, Z, s = make_data(n=200, shift=0.5)
    assert metric(Z, s, random_state=3) == metric(Z, s, random_state=3)


@pytest.mark.parametrize("metric", Z_METRICS)
def test_inputs_are_not_modified(metric):
    _, Z, s = make_data(n=100)
    Z_frame, s_series = pd.DataFrame(Z), pd.Series(np.where(s, "f", "m"))
    Z_copy, s_copy = Z_frame.copy(), s_series.copy()
    metric(Z_frame, s_series)
    pd.testing.assert_frame_equal(Z_frame, Z_copy)
    pd.testing.assert_series_equal(s_series, s_copy)


@pytest.mark.parametrize("metric", Z_METRICS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_Z_is_rejected(metric, bad):
    _, Z, s = make_data(n=50)
    Z[3, 1] = bad
    with pytest.raises(ValueError, match="Z"):
        metric(Z, s)


@pytest.mark.parametrize("metric", Z_METRICS)
def test_length_mismatch_is_rejected(metric):
    _, Z, s = make_data(n=50)
    with pytest.raises(ValueError, match="sensitive_features has 49 samples"):
        metric(Z, s[:-1])


@pytest.mark.parametrize("metric", [*Z_METRICS, sensitive_entropy])
def test_non_binary_sensitive_features_are_rejected(metric):
    s = np.arange(60) % 3
    args = (s,) if metric is sensitive_entropy else (np.zeros((60, 2)), s)
    with pytest.raises(ValueError, match="exactly two groups"):
        metric(*args)


@pytest.mark.parametrize("metric", PROBE_METRICS)
def test_invalid_probe_parameters_are_rejected(metric):
    _, Z, s = make_data(n=50)
    with pytest.raises(ValueError, match="cv"):
        metric(Z, s, cv=1)
    with pytest.raises(ValueError, match="probe"):
        metric(Z, s, probe="svm")
    with pytest.raises(TypeError, match="probe"):
        metric(Z, s, probe=object())


@pytest.mark.parametrize(
    "s, expected", [([0, 1, 0, 1], np.log(2)), ([0, 0, 0, 1], 0.5623351446)]
)
def test_sensitive_entropy(s, expected):
    assert sensitive_entropy(s) == pytest.approx(expected)


def test_delta_bce_is_positive_when_poisoning_lowers_bce():
    assert delta_bce(0.69, 0.5) == pytest.approx(0.19)
    assert delta_bce(0.5, 0.69) < 0
    assert isinstance(delta_bce(0.69, 0.5), float)


def test_delta_bce_broadcasts_arrays():
    delta = delta_bce([0.7, 0.6], 0.5)
    np.testing.assert_allclose(delta, [0.2, 0.1])


@pytest.mark.parametrize("ridge", [0.0, 1e-4])
def test_fld_score_is_finite_for_singular_covariances(ridge):
    _, Z, s = make_data()
    Z_singular = np.c_[Z, Z[:, :2], np.ones(len(Z))]  # duplicate, constant columns
    score = fld_score(Z_singular, s, ridge=ridge)
    assert np.isfinite(score)
    assert score == pytest.approx(fld_score(Z, s), rel=1e-2)


def test_fld_score_edge_cases():
    s = np.array([0, 0, 1, 1])
    assert fld_score(np.ones((4, 3)), s) == 0.0
    assert fld_score(s[:, None].astype(float), s) == np.inf


def test_fld_score_matches_closed_form_in_one_dimension():
    z = np.array([0.0, 2.0, 3.0, 5.0])  # means 1 and 4, variances 2 and 2 (n - 1)
    assert fld_score(z[:, None], [0, 0, 1, 1], ridge=0) == pytest.approx(9 / 4)


def test_knn_mutual_info_separates_independent_from_dependent():
    Z_fair, Z_leaky, s = make_data(n=1000)
    assert knn_mutual_info(Z_fair, s, random_state=0) < 0.03
    assert knn_mutual_info(Z_leaky, s, random_state=0) > 0.2


def test_knn_mutual_info_matches_sklearn_on_one_feature():
    _, Z, s = make_data(n=300)
    expected = mutual_info_classif(Z[:, :1], s, random_state=0)[0]
    assert knn_mutual_info(Z[:, :1], s, random_state=0) == pytest.approx(expected)


def test_knn_mutual_info_needs_two_samples_per_group():
    with pytest.raises(ValueError, match="two samples in each group"):
        knn_mutual_info(np.zeros((5, 2)), [0, 0, 0, 0, 1])


def test_bad_metric_inputs_name_their_argument():
    rng = np.random.default_rng(0)
    Z, s = rng.normal(size=(60, 3)), np.arange(60) % 2
    with pytest.raises(ValueError, match="Z must be numeric"):
        probe_bce(np.full((60, 2), "a"), s)
    with pytest.raises(ValueError, match="Z_fit has 2 columns but Z has 3"):
        probe_bce(Z, s, Z_fit=Z[:, :2], s_fit=s)
    with pytest.raises(ValueError, match="sensitive_features has 59 samples but Z"):
        fld_score(Z, s[:59])
    with pytest.raises(TypeError, match="bce_clean must be a BCE"):
        delta_bce("a", 0.5)
