"""Tests of the victim protocol and of the containers of ``BasePoisoner``."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skfrl.base import (
    BasePoisoner,
    DifferentiableEncoder,
    check_differentiable_encoder,
)
from skfrl.models import CFair


class AppendRowZero(BasePoisoner):
    """The smallest poisoner: one copy of the first training row."""

    def __init__(self, *, sensitive_feature_ids=None, random_state=None):
        self.sensitive_feature_ids = sensitive_feature_ids
        self.random_state = random_state

    def _fit_resample(self, X, y, s, rng, *, groups):
        return X[:1].copy(), y[:1], s[:1], np.array([0])


class OnlyEncoderParameters:
    """Half a victim: one method of the protocol, one non-callable attribute."""

    training_loss = None

    def encoder_parameters(self):
        return []


@pytest.fixture(scope="module")
def fitted_cfair():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = rng.integers(2, size=40)
    s = np.tile([0, 1], 20)
    model = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4, random_state=0)
    return model.fit(X, y, sensitive_features=s)


def records(n=8):
    """Features of several dtypes, labels, and a 0/1 ``sex`` column.

    The values are exact in float32, so the copy of a row is equal to it.
    """
    return pd.DataFrame(
        {
            "age": np.arange(20, 20 + n, dtype=np.int64),
            "income": np.linspace(0.5, 4.0, n),
            "smoker": np.tile([True, False], n // 2),
            "sex": np.tile([1, 0], n // 2),
        }
    )


# the victim protocol -------------------------------------------------------------


def test_a_fitted_model_passes_the_check_and_the_protocol(fitted_cfair):
    assert (
        check_differentiable_encoder(fitted_cfair, attack_name="attack='eng'") is None
    )
    assert isinstance(fitted_cfair, DifferentiableEncoder)


@pytest.mark.parametrize("victim", [object(), LogisticRegression()])
def test_an_estimator_without_the_methods_is_rejected(victim):
    assert not isinstance(victim, DifferentiableEncoder)
    name = type(victim).__name__
    with pytest.raises(
        TypeError,
        match=(
            f"attack='eng' needs encoder_parameters, encode_tensor, training_loss, "
            f"which {name} lacks"
        ),
    ):
        check_differentiable_encoder(victim, attack_name="attack='eng'")


def test_the_check_names_only_the_missing_methods():
    victim = OnlyEncoderParameters()
    assert not isinstance(victim, DifferentiableEncoder)
    with pytest.raises(TypeError) as excinfo:
        check_differentiable_encoder(victim)
    message = str(excinfo.value)
    assert message.startswith(
        "this attack needs encode_tensor, training_loss, which "
        "OnlyEncoderParameters lacks"
    )
    assert "encoder_parameters" not in message
    assert "black-box attack" in message


# BasePoisoner.fit_resample: explicit mode --------------------------------------


def test_frames_and_series_come_back_with_their_dtypes():
    frame = records()
    X = frame[["age", "income", "smoker"]]
    y = pd.Series(np.where(frame["age"] % 2, "yes", "no"), dtype="str", name="y")
    s = pd.Series(np.where(frame["sex"], "m", "f"), dtype="str", name="sex")
    copies = X.copy(), y.copy(), s.copy()
    poisoner = AppendRowZero()
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)

    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series) and isinstance(s_res, pd.Series)
    pd.testing.assert_series_equal(X_res.dtypes, X.dtypes)
    assert y_res.dtype == y.dtype and s_res.dtype == s.dtype
    assert y_res.name == "y" and s_res.name == "sex"
    assert len(X_res) == len(y_res) == len(s_res) == len(X) + 1
    # originals first and unchanged, then the copy of row 0
    pd.testing.assert_frame_equal(X_res.iloc[:-1], X)
    pd.testing.assert_series_equal(y_res.iloc[:-1], y)
    pd.testing.assert_series_equal(s_res.iloc[:-1], s)
    assert X_res.iloc[-1].tolist() == X.iloc[0].tolist()
    assert y_res.iloc[-1] == y.iloc[0] and s_res.iloc[-1] == s.iloc[0]
    pd.testing.assert_frame_equal(X, copies[0])
    pd.testing.assert_series_equal(y, copies[1])
    pd.testing.assert_series_equal(s, copies[2])
    assert poisoner.feature_names_in_.tolist() == ["age", "income", "smoker"]


def test_arrays_come_back_as_arrays():
    frame = records()
    X = frame[["age", "income"]].to_numpy(dtype=np.float64)
    y = frame["age"].to_numpy() % 2
    s = np.where(frame["sex"], "m", "f")
    copies = X.copy(), y.copy(), s.copy()
    poisoner = AppendRowZero()
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)

    for result, original in zip((X_res, y_res, s_res), (X, y, s), strict=True):
        assert isinstance(result, np.ndarray)
        assert result.dtype == original.dtype
        assert len(result) == len(original) + 1
        np.testing.assert_array_equal(result[:-1], original)
        np.testing.assert_array_equal(result[-1], original[0])
    for original, copy in zip((X, y, s), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
    assert not hasattr(poisoner, "feature_names_in_")


def test_fitted_attributes_mark_the_poisons():
    frame = records()
    poisoner = AppendRowZero()
    assert poisoner.fit(frame[["age", "income"]], frame["age"] % 2, frame["sex"]) is (
        poisoner
    )
    n = len(frame)
    assert poisoner.n_poison_ == 1
    assert poisoner.poison_mask_.dtype == bool
    assert poisoner.poison_mask_.tolist() == [False] * n + [True]
    assert poisoner.sample_indices_.tolist() == [*range(n), 0]


def test_feature_names_of_a_previous_frame_are_forgotten_on_arrays():
    frame = records()
    poisoner = AppendRowZero()
    poisoner.fit_resample(frame[["age", "income"]], frame["age"] % 2, frame["sex"])
    assert hasattr(poisoner, "feature_names_in_")
    poisoner.fit_resample(
        frame[["age", "income"]].to_numpy(), frame["age"] % 2, frame["sex"]
    )
    assert not hasattr(poisoner, "feature_names_in_")


# BasePoisoner.fit_resample: column mode ----------------------------------------


@pytest.mark.parametrize("ids", ["sex", 3, -1, ["sex"]])
def test_column_mode_returns_X_with_s_inside(ids):
    frame = records()
    y = pd.Series(frame["age"] % 2, name="y")
    copies = frame.copy(), y.copy()
    poisoner = AppendRowZero(sensitive_feature_ids=ids)
    result = poisoner.fit_resample(frame, y)

    assert len(result) == 2
    X_res, y_res = result
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(frame.columns)
    pd.testing.assert_series_equal(X_res.dtypes, frame.dtypes)
    pd.testing.assert_frame_equal(X_res.iloc[:-1], frame)
    assert X_res.iloc[-1].tolist() == frame.iloc[0].tolist()  # s of row 0 too
    assert y_res.iloc[-1] == y.iloc[0]
    assert poisoner.feature_names_in_.tolist() == ["age", "income", "smoker"]
    pd.testing.assert_frame_equal(frame, copies[0])
    pd.testing.assert_series_equal(y, copies[1])


def test_column_mode_on_an_array():
    frame = records()
    X = frame[["sex", "age", "income"]].to_numpy(dtype=np.float64)
    y = frame["age"].to_numpy() % 2
    X_copy = X.copy()
    X_res, y_res = AppendRowZero(sensitive_feature_ids=0).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float64
    np.testing.assert_array_equal(X_res[:-1], X)
    np.testing.assert_array_equal(X_res[-1], X[0])
    np.testing.assert_array_equal(y_res, np.r_[y, y[0]])
    np.testing.assert_array_equal(X, X_copy)


# BasePoisoner.fit_resample: errors ---------------------------------------------


def test_s_must_be_given_one_way():
    frame = records()
    X, y = frame[["age", "income"]], frame["age"] % 2
    with pytest.raises(
        ValueError, match="sensitive_features is required.*sensitive_feature_ids"
    ):
        AppendRowZero().fit_resample(X, y)
    with pytest.raises(
        ValueError, match="both sensitive_features and sensitive_feature_ids"
    ):
        AppendRowZero(sensitive_feature_ids="sex").fit_resample(frame, y, frame["sex"])


def test_bad_data_is_rejected_before_crafting():
    frame = records()
    X, y = frame[["age", "income"]], frame["age"] % 2
    with pytest.raises(ValueError, match="AppendRowZero requires y to be passed"):
        AppendRowZero().fit_resample(X, None, frame["sex"])
    with pytest.raises(
        ValueError, match="sensitive_features has 7 samples but X has 8"
    ):
        AppendRowZero().fit_resample(X, y, frame["sex"].iloc[:7])
    with pytest.raises(
        ValueError, match="sensitive_feature_ids names the column 'race'"
    ):
        AppendRowZero(sensitive_feature_ids="race").fit_resample(frame, y)
