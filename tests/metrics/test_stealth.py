import numpy as np
import pandas as pd
import pytest

from skfrl.metrics import feature_change_frequency, perturbation_stats

X_ORIGINAL = np.array(
    [[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0]]
)
DELTA = np.array([[3.0, 0.0, -4.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 1e-8, 1.0, 1.0]])


def test_perturbation_stats_on_hand_made_deltas():
    stats = perturbation_stats(X_ORIGINAL, X_ORIGINAL + DELTA)
    assert stats.columns.tolist() == ["l0", "l1", "l2"]
    assert stats["l0"].tolist() == [2, 0, 4]  # by default every change counts
    assert perturbation_stats(X_ORIGINAL, X_ORIGINAL + DELTA, tol=1e-6)[
        "l0"
    ].tolist() == [2, 0, 3]
    np.testing.assert_allclose(stats["l1"], [7.0, 0.0, 3.0 + 1e-8])
    np.testing.assert_allclose(stats["l2"], [5.0, 0.0, np.sqrt(3.0)])


def test_perturbation_stats_tol():
    stats = perturbation_stats(X_ORIGINAL, X_ORIGINAL + DELTA, tol=2.0)
    assert stats["l0"].tolist() == [2, 0, 0]


def test_feature_change_frequency_on_hand_made_deltas():
    frequency = feature_change_frequency(X_ORIGINAL, X_ORIGINAL + DELTA)
    assert frequency.name == "change_frequency"
    assert frequency.index.tolist() == ["x0", "x1", "x2", "x3"]
    np.testing.assert_allclose(frequency, [2 / 3, 1 / 3, 2 / 3, 1 / 3])
    above = feature_change_frequency(X_ORIGINAL, X_ORIGINAL + DELTA, tol=1e-6)
    np.testing.assert_allclose(above, [2 / 3, 0.0, 2 / 3, 1 / 3])


def test_feature_change_frequency_names():
    columns = ["age", "income", "hours", "sex"]
    X_poisoned = pd.DataFrame(X_ORIGINAL + DELTA, columns=columns)
    from_frame = feature_change_frequency(X_ORIGINAL, X_poisoned)
    assert from_frame.index.tolist() == columns
    given = feature_change_frequency(X_ORIGINAL, X_poisoned, feature_names=list("abcd"))
    assert given.index.tolist() == list("abcd")
    with pytest.raises(ValueError, match="feature_names has 3 names"):
        feature_change_frequency(X_ORIGINAL, X_poisoned, feature_names=list("abc"))


@pytest.mark.parametrize("function", [perturbation_stats, feature_change_frequency])
def test_shape_mismatch_is_rejected(function):
    with pytest.raises(ValueError, match="X_poisoned has shape .* but X_original"):
        function(X_ORIGINAL, X_ORIGINAL[:2])


@pytest.mark.parametrize("function", [perturbation_stats, feature_change_frequency])
def test_non_finite_input_is_rejected(function):
    X_poisoned = X_ORIGINAL + DELTA
    X_poisoned[0, 0] = np.nan
    with pytest.raises(ValueError, match="X_poisoned"):
        function(X_ORIGINAL, X_poisoned)


@pytest.mark.parametrize("function", [perturbation_stats, feature_change_frequency])
def test_inputs_are_not_modified(function):
    X_original, X_poisoned = X_ORIGINAL.copy(), X_ORIGINAL + DELTA
    X_poisoned_copy = X_poisoned.copy()
    function(X_original, X_poisoned)
    np.testing.assert_array_equal(X_original, X_ORIGINAL)
    np.testing.assert_array_equal(X_poisoned, X_poisoned_copy)


@pytest.mark.parametrize("function", [perturbation_stats, feature_change_frequency])
def test_negative_tol_is_rejected(function):
    with pytest.raises(ValueError, match="tol"):
        function(X_ORIGINAL, X_ORIGINAL, tol=-1.0)
