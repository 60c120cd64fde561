"""Tests of the validation of ``X``, ``y`` and the sensitive attribute ``s``."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from skfrl.utils import check_poison_ratio, check_sensitive_features, check_X_y_s
from skfrl.utils.validation import select_columns, split_sensitive_columns


def small_frame(n=12, seed=0):
    """Numeric features, a 0/1 ``sex`` column and a pandas-3 string ``group``."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, size=n),
            "income": rng.normal(size=n),
            "sex": np.tile([0, 1], n // 2),
            "group": pd.Series(np.tile(["b", "a", "a"], n // 3), dtype="str"),
        }
    )


# check_sensitive_features ----------------------------------------------------


@pytest.mark.parametrize(
    "s",
    [
        [1, 0, 0, 1, 1],
        ["m", "f", "f", "m", "m"],
        [True, False, False, True, True],
        [2.5, -1.0, -1.0, 2.5, 2.5],
    ],
)
def test_codes_follow_the_sorted_groups(s):
    s_codes, groups = check_sensitive_features(s)
    assert s_codes.dtype == np.int64
    assert s_codes.tolist() == [1, 0, 0, 1, 1]
    np.testing.assert_array_equal(groups, np.unique(s))
    np.testing.assert_array_equal(groups[s_codes], s)


@pytest.mark.parametrize(
    "container",
    [
        lambda s: pd.Series(s, dtype="str"),
        lambda s: pd.Series(s, dtype=object),
        lambda s: pd.Series(s, dtype="category"),
        lambda s: pd.DataFrame({"sex": s}),
        lambda s: np.asarray(s).reshape(-1, 1),
    ],
    ids=["str-series", "object-series", "category-series", "one-column-frame", "2d"],
)
def test_pandas_and_one_column_inputs_give_the_same_codes(container):
    labels = ["m", "f", "f", "m"]
    s_codes, groups = check_sensitive_features(container(labels))
    assert s_codes.tolist() == [1, 0, 0, 1]
    assert groups.tolist() == ["f", "m"]


def test_two_columns_form_intersectional_groups_of_distinct_rows():
    s = pd.DataFrame(
        {
            "sex": pd.Series(["m", "f", "m", "f", "m"], dtype="str"),
            "race": pd.Series(["b", "a", "b", "a", "b"], dtype="str"),
        }
    )
    s_codes, groups = check_sensitive_features(s)
    assert groups.tolist() == [("f", "a"), ("m", "b")]
    assert s_codes.tolist() == [1, 0, 1, 0, 1]
    assert [tuple(row) for row in s.to_numpy()] == list(groups[s_codes])


def test_two_columns_with_more_than_two_distinct_rows_are_rejected():
    # each column alone is binary, but together they form three groups
    s = np.array([[0, 0], [0, 1], [1, 1], [1, 1]])
    with pytest.raises(ValueError, match="exactly two groups.*got 3"):
        check_sensitive_features(s)


def test_sensitive_features_are_not_modified():
    s_series = pd.Series(["m", "f", "f", "m"], dtype="str", name="sex")
    s_array = np.array([[1, 0], [0, 1], [1, 0]])
    series_copy, array_copy = s_series.copy(), s_array.copy()
    check_sensitive_features(s_series)
    check_sensitive_features(s_array)
    pd.testing.assert_series_equal(s_series, series_copy)
    np.testing.assert_array_equal(s_array, array_copy)


@pytest.mark.parametrize(
    "s, error, message",
    [
        ("mf", TypeError, "sensitive_features must be array-like"),
        (3, TypeError, "sensitive_features must be array-like.*got int"),
        (np.zeros((2, 2, 2)), ValueError, "sensitive_features must be 1-D or 2-D"),
        ([0, 1, 2, 0], ValueError, "sensitive_features must have exactly two groups"),
        ([1, 1, 1, 1], ValueError, "sensitive_features must have exactly two groups"),
        ([0.0, np.nan, 1.0, 1.0], ValueError, "sensitive_features contains NaN"),
        ([0.0, np.inf, 1.0, 1.0], ValueError, "sensitive_features contains NaN"),
        (["f", None, "m", "m"], ValueError, "sensitive_features contains missing"),
        (
            pd.Series(["f", np.nan, "m", "m"], dtype="str"),
            ValueError,
            "sensitive_features contains missing",
        ),
    ],
    ids=[
        "string",
        "scalar",
        "3-D",
        "three-groups",
        "one-group",
        "nan",
        "inf",
        "none",
        "str-dtype-missing",
    ],
)
def test_bad_sensitive_features_raise_clear_errors(s, error, message):
    with pytest.raises(error, match=message):
        check_sensitive_features(s)


def test_length_mismatch_and_custom_name_in_messages():
    with pytest.raises(
        ValueError, match="sensitive_features has 3 samples but X has 4"
    ):
        check_sensitive_features([0, 1, 0], n_samples=4)
    with pytest.raises(ValueError, match="s_target must have exactly two groups"):
        check_sensitive_features([0, 0, 0], name="s_target")


# check_X_y_s -------------------------------------------------------------------


def test_check_X_y_s_returns_float32_labels_and_codes():
    frame = small_frame()
    X, y, s_codes, groups = check_X_y_s(
        frame[["age", "income"]], frame["sex"], frame["group"]
    )
    assert isinstance(X, np.ndarray) and X.dtype == np.float32
    assert X.shape == (12, 2)
    np.testing.assert_allclose(X, frame[["age", "income"]].to_numpy(), rtol=1e-6)
    assert isinstance(y, np.ndarray) and y.tolist() == frame["sex"].tolist()
    assert groups.tolist() == ["a", "b"]
    assert s_codes.tolist() == (frame["group"] == "b").astype(int).tolist()


def test_check_X_y_s_without_y_and_s_gives_none():
    X, y, s_codes, groups = check_X_y_s(np.eye(3))
    assert X.dtype == np.float32
    assert y is None and s_codes is None and groups is None


def test_check_X_y_s_does_not_modify_its_inputs():
    frame = small_frame()
    X_frame = frame[["age", "income"]]
    y = frame["sex"]
    s = frame["group"]
    X_array = X_frame.to_numpy(dtype=np.float64)
    copies = X_frame.copy(), y.copy(), s.copy(), X_array.copy()
    check_X_y_s(X_frame, y, s)
    X32, *_ = check_X_y_s(X_array, y.to_numpy(), s.to_numpy())
    X32[:] = -1.0  # the returned array is a copy, not a view of the caller's
    pd.testing.assert_frame_equal(X_frame, copies[0])
    pd.testing.assert_series_equal(y, copies[1])
    pd.testing.assert_series_equal(s, copies[2])
    np.testing.assert_array_equal(X_array, copies[3])


def test_check_X_y_s_records_and_checks_feature_names_on_an_estimator():
    frame = small_frame()
    estimator = BaseEstimator()
    check_X_y_s(frame[["age", "income"]], estimator=estimator, reset=True)
    assert estimator.n_features_in_ == 2
    assert estimator.feature_names_in_.tolist() == ["age", "income"]
    X, *_ = check_X_y_s(frame[["age", "income"]], estimator=estimator, reset=False)
    assert X.shape == (12, 2)
    with pytest.raises(ValueError, match="feature names should match"):
        check_X_y_s(frame[["income", "age"]], estimator=estimator, reset=False)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"y_required": True}, "requires y to be passed, but the target y is None"),
        ({"y": [0, 1, 0], "s_required": True}, "sensitive_features is required"),
        ({"y": [0, 1]}, "y has 2 samples but X has 3"),
        ({"y": [0.0, np.nan, 1.0]}, "y contains NaN"),
        ({"sensitive_features": [0, 1]}, "sensitive_features has 2 samples but X"),
        ({"sensitive_features": [0, 1, 2]}, "sensitive_features must have exactly"),
    ],
)
def test_check_X_y_s_bad_y_and_s_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_X_y_s(np.zeros((3, 2)), **kwargs)


def test_check_X_y_s_rejects_string_columns_of_X():
    frame = small_frame()
    with pytest.raises(ValueError, match="X must be numeric.*OneHotEncoder"):
        check_X_y_s(frame[["age", "group"]])
    with pytest.raises(ValueError, match="X must be numeric"):
        check_X_y_s(np.array([["a", "b"], ["c", "d"]]))


# check_poison_ratio --------------------------------------------------------------


@pytest.mark.parametrize(
    "ratio, n_samples, expected",
    [(0.1, 200, 20), (0.3, 7, 2), (np.float64(0.25), 40, 10), (1e-6, 50, 1)],
)
def test_poison_ratio_rounds_to_at_least_one(ratio, n_samples, expected):
    n_poison = check_poison_ratio(ratio, n_samples)
    assert isinstance(n_poison, int)
    assert n_poison == expected


@pytest.mark.parametrize("ratio", [0, 0.0, 1, 1.0, -0.1, 1.5, float("nan")])
def test_poison_ratio_outside_the_open_interval_is_rejected(ratio):
    with pytest.raises(ValueError, match="poison_ratio must be in the open interval"):
        check_poison_ratio(ratio, 100)


@pytest.mark.parametrize("ratio", ["0.1", None, True, [0.1]])
def test_poison_ratio_of_the_wrong_type_is_rejected(ratio):
    with pytest.raises(TypeError, match="poison_ratio must be a float"):
        check_poison_ratio(ratio, 100)


# select_columns and split_sensitive_columns -----------------------------------


@pytest.mark.parametrize(
    "ids, expected",
    [
        (2, [2]),
        (np.int64(-1), [3]),
        ([3, 0, -4], [0, 3]),
        ((1, 2), [1, 2]),
    ],
)
def test_select_columns_gives_sorted_unique_positions(ids, expected):
    columns = select_columns(np.zeros((3, 4)), ids)
    assert columns.tolist() == expected


def test_select_columns_reads_names_of_a_frame():
    frame = small_frame()
    assert select_columns(frame, "sex").tolist() == [2]
    assert select_columns(frame, ["group", "age"]).tolist() == [0, 3]
    assert select_columns(frame, ["sex", -1]).tolist() == [2, 3]


@pytest.mark.parametrize(
    "X, ids, message",
    [
        (np.zeros((2, 3)), 3, "sensitive_feature_ids has index 3, but X has 3"),
        (np.zeros((2, 3)), -4, "sensitive_feature_ids has index -4"),
        (np.zeros((2, 3)), "sex", "sensitive_feature_ids names the column 'sex'"),
        (small_frame(), "gender", "sensitive_feature_ids names the column 'gender'"),
        (np.zeros((2, 3)), [], "sensitive_feature_ids must name at least one"),
        (np.zeros((2, 3)), [0, 1, 2], "not every column of X"),
    ],
)
def test_select_columns_bad_ids_raise_clear_errors(X, ids, message):
    with pytest.raises(ValueError, match=message):
        select_columns(X, ids)


def test_split_in_explicit_mode_passes_everything_through():
    X = np.zeros((3, 2))
    s = [0, 1, 0]
    X_features, s_out, mask = split_sensitive_columns(X, None, s)
    assert X_features is X and s_out is s and mask is None


def test_split_a_frame_keeps_frames_and_dtypes():
    frame = small_frame()
    frame_copy = frame.copy()
    X_features, s, mask = split_sensitive_columns(frame, ["group", "sex"])
    assert mask.tolist() == [True, True, False, False]
    assert list(X_features.columns) == ["age", "income"]
    pd.testing.assert_frame_equal(X_features, frame_copy[["age", "income"]])
    assert s["group"].dtype == frame_copy["group"].dtype  # pandas 3 string dtype
    pd.testing.assert_frame_equal(s, frame_copy[["sex", "group"]])
    pd.testing.assert_frame_equal(frame, frame_copy)


def test_split_an_array_by_negative_index():
    X = np.arange(12.0).reshape(4, 3)
    X_copy = X.copy()
    X_features, s, mask = split_sensitive_columns(X, -1)
    np.testing.assert_array_equal(X_features, X[:, :2])
    np.testing.assert_array_equal(s, X[:, [2]])
    assert mask.tolist() == [True, True, False]
    np.testing.assert_array_equal(X, X_copy)


def test_split_rejects_both_ways_of_giving_s():
    with pytest.raises(ValueError, match="both sensitive_features and sensitive_fea"):
        split_sensitive_columns(np.zeros((3, 2)), 0, [0, 1, 0])


def test_intersectional_groups_sort_like_their_values():
    codes, groups = check_sensitive_features(np.array([[10, 0], [9, 0], [10, 0]]))
    assert [tuple(g) for g in groups] == [(9, 0), (10, 0)]  # not "10" < "9"
    assert codes.tolist() == [1, 0, 1]
