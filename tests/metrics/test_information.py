"""Tests of the model-free leakage measures: the FLD score and the kNN MI."""

import numpy as np
import pandas as pd
import pytest

from skfrl.metrics import fld_score, knn_mutual_info, sensitive_entropy

METRICS = [fld_score, knn_mutual_info]


def make_Z(n=300, shift=0.0, p=0.4, d=3, seed=0):
    """Gaussian noise ``Z`` whose every column is shifted by ``shift * s``."""
    rng = np.random.default_rng(seed)
    s = (rng.random(n) < p).astype(np.int64)
    Z = rng.normal(size=(n, d)) + shift * s[:, None]
    return Z, s


# fld_score ---------------------------------------------------------------------


def test_fld_score_is_near_zero_when_Z_is_independent_of_s():
    Z, s = make_Z(shift=0.0)
    score = fld_score(Z, s)
    assert isinstance(score, float)
    assert 0.0 <= score < 0.1


def test_fld_score_grows_with_the_separation_of_the_groups():
    scores = [fld_score(*make_Z(shift=shift)) for shift in (0.0, 0.5, 1.0, 2.0)]
    assert scores == sorted(scores)
    assert scores[-1] > 10 * scores[0]
    assert scores[-1] > 5.0


def test_fld_score_is_invariant_to_invertible_affine_maps():
    Z, s = make_Z(shift=1.0)
    A = np.array([[2.0, 0.5, 0.0], [0.0, 1.0, -1.0], [0.3, 0.0, 4.0]])
    mapped = Z @ A + np.array([10.0, -3.0, 0.5])
    assert fld_score(mapped, s, ridge=0) == pytest.approx(
        fld_score(Z, s, ridge=0), rel=1e-6
    )


def test_fld_score_does_not_depend_on_how_the_groups_are_labelled():
    Z, s = make_Z(shift=1.0)
    reference = fld_score(Z, s)
    assert fld_score(Z, 1 - s) == pytest.approx(reference, rel=1e-9)
    assert fld_score(Z, np.where(s, "f", "m")) == pytest.approx(reference, rel=1e-9)
    as_pandas = fld_score(pd.DataFrame(Z), pd.Series(s.astype(bool)))
    assert as_pandas == pytest.approx(reference, rel=1e-9)


def test_a_larger_ridge_shrinks_the_fld_score():
    Z, s = make_Z(shift=1.0)
    scores = [fld_score(Z, s, ridge=ridge) for ridge in (0.0, 1e-2, 1.0, 10.0)]
    assert np.all(np.diff(scores) <= 0)
    assert scores[-1] < 0.5 * scores[0]
    assert scores[-1] > 0.0


# knn_mutual_info -----------------------------------------------------------------


def test_knn_mutual_info_is_near_zero_when_Z_is_independent_of_s():
    Z, s = make_Z(shift=0.0)
    mi = knn_mutual_info(Z, s, random_state=0)
    assert isinstance(mi, float)
    assert 0.0 <= mi < 0.1


def test_knn_mutual_info_is_clearly_larger_when_Z_encodes_s():
    Z_fair, s = make_Z(shift=0.0)
    Z_leaky, s_leaky = make_Z(shift=2.0)
    assert knn_mutual_info(Z_leaky, s_leaky, random_state=0) > 0.3
    assert knn_mutual_info(Z_leaky, s_leaky, random_state=0) > (
        knn_mutual_info(Z_fair, s, random_state=0) + 0.2
    )


@pytest.mark.parametrize("p", [0.5, 0.2])
def test_knn_mutual_info_is_bounded_by_the_entropy_of_s(p):
    Z, s = make_Z(shift=0.0, p=p)
    separated = 0.01 * Z + 10.0 * s[:, None]  # s is a function of Z
    entropy = sensitive_entropy(s)
    mi = knn_mutual_info(separated, s, random_state=0)
    assert mi <= entropy + 0.02
    assert mi == pytest.approx(entropy, abs=0.02)
    # a partly leaky Z stays below the bound
    assert knn_mutual_info(Z + s[:, None], s, random_state=0) < entropy


def test_knn_mutual_info_is_deterministic_for_a_fixed_random_state():
    Z, s = make_Z(shift=0.7)
    first = knn_mutual_info(Z, s, random_state=1)
    assert knn_mutual_info(Z, s, random_state=1) == first
    assert knn_mutual_info(Z, s, random_state=np.random.RandomState(1)) == first


def test_knn_mutual_info_does_not_depend_on_the_scale_of_columns():
    Z, s = make_Z(shift=1.0)
    rescaled = Z * np.array([1e3, 1.0, 1e-3])
    assert knn_mutual_info(rescaled, s, random_state=0) == pytest.approx(
        knn_mutual_info(Z, s, random_state=0), abs=1e-6
    )


def test_knn_mutual_info_does_not_depend_on_how_the_groups_are_labelled():
    Z, s = make_Z(shift=1.0)
    reference = knn_mutual_info(Z, s, random_state=0)
    labels = pd.Series(np.where(s, "f", "m"), dtype="str")
    assert knn_mutual_info(Z, labels, random_state=0) == pytest.approx(reference)
    assert knn_mutual_info(Z, 1 - s, random_state=0) == pytest.approx(reference)


def test_knn_mutual_info_caps_n_neighbors_at_the_group_size():
    Z, s = make_Z(n=12, shift=3.0, p=0.5)
    s[:3], s[3:6] = 0, 1  # at least three samples in each group
    mi = knn_mutual_info(Z, s, n_neighbors=50, random_state=0)
    assert np.isfinite(mi) and mi >= 0.0


@pytest.mark.parametrize("metric", METRICS)
def test_numpy_inputs_are_not_modified(metric):
    Z, s = make_Z(n=60, shift=1.0)
    Z_copy, s_copy = Z.copy(), s.copy()
    metric(Z, s)
    np.testing.assert_array_equal(Z, Z_copy)
    np.testing.assert_array_equal(s, s_copy)


# bad inputs ----------------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(
    "Z_change, s, message",
    [
        ("nan", None, "Z contains NaN"),
        ("inf", None, "Z contains infinity"),
        (None, [0, 1, 2] * 4, "sensitive_features must have exactly two groups"),
        (None, [0, 1] * 5, "sensitive_features has 10 samples"),
    ],
)
def test_bad_Z_or_s_raise_clear_errors(metric, Z_change, s, message):
    Z, s_ok = make_Z(n=12, p=0.5)
    s_ok[:2], s_ok[2:4] = 0, 1
    if Z_change is not None:
        Z[3, 1] = np.nan if Z_change == "nan" else np.inf
    with pytest.raises(ValueError, match=message):
        metric(Z, s_ok if s is None else s)


@pytest.mark.parametrize("metric", METRICS)
def test_arguments_that_are_not_array_like_are_named(metric):
    with pytest.raises(ValueError, match="'Z' parameter"):
        metric("not an array", [0, 1, 0, 1])
    with pytest.raises(ValueError, match="'sensitive_features' parameter"):
        metric(np.zeros((4, 2)), 1)


@pytest.mark.parametrize("ridge", [-1e-3, "large", None])
def test_fld_score_rejects_a_bad_ridge(ridge):
    Z, s = make_Z(n=20)
    with pytest.raises(ValueError, match="'ridge' parameter of fld_score"):
        fld_score(Z, s, ridge=ridge)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_neighbors": 0}, "n_neighbors"),
        ({"n_neighbors": 2.5}, "n_neighbors"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_knn_mutual_info_rejects_bad_parameters(kwargs, name):
    Z, s = make_Z(n=20)
    with pytest.raises(ValueError, match=f"'{name}' parameter of knn_mutual_info"):
        knn_mutual_info(Z, s, **kwargs)


def test_knn_mutual_info_needs_two_samples_in_each_group():
    Z, _ = make_Z(n=6)
    with pytest.raises(
        ValueError, match=r"sensitive_features; got group sizes \[5, 1\]"
    ):
        knn_mutual_info(Z, [0, 0, 0, 0, 0, 1])
