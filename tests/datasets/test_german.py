import numpy as np
import pandas as pd
import pytest

from skfrl.datasets import fetch_german

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    """The bundled copy: an empty data home holds no german.data."""
    empty_home = tmp_path_factory.mktemp("empty_home")
    return fetch_german(data_home=empty_home, download_if_missing=False)


def test_shape_label_and_group_balance(german):
    assert german.data.shape == (1000, 62)
    assert german.data.dtypes.eq(np.float64).all()
    assert german.target.mean() == pytest.approx(0.7)
    assert german.sensitive_features.mean() == pytest.approx(0.851)
    assert german.target_names == ["bad", "good"]
    assert "German Credit" in german.DESCR


def test_full_code_lists_and_no_age(german):
    columns = german.data.columns
    assert columns[0] == "checking_status=A11"
    assert {"purpose=A47", "purpose=A410", "personal_status_sex=A95"} <= set(columns)
    assert german.data["personal_status_sex=A95"].sum() == 0
    assert not any(c.startswith("age") for c in columns)
    assert sum("=" in c for c in columns) == 56
    assert list(german.data.columns) == german.feature_names
    one_hot = german.data.filter(like="=")
    assert one_hot.sum(axis=1).eq(13).all()


def test_data_home_copy_gives_same_data(german, german_home):
    pd.testing.assert_frame_equal(fetch_german().frame, german.frame)


def test_age_threshold_moves_groups(german):
    raw = fetch_german(raw=True)
    s = fetch_german(age_threshold=30).sensitive_features
    assert s.mean() < german.sensitive_features.mean()
    assert raw.data.shape == (1000, 19)
    assert raw.data["checking_status"].iloc[0] == "A11"
    assert "age" not in raw.data.columns
    assert raw.frame["age"].isin([0, 1]).all()


def test_return_x_y_s_and_numpy_output(german):
    X, y, s = fetch_german(as_frame=False, return_X_y_s=True)
    assert X.dtype == np.float64 and X.shape == (1000, 62)
    assert y.dtype == np.int64 and s.dtype == np.int64
    np.testing.assert_array_equal(X, german.data.to_numpy())
    np.testing.assert_array_equal(s, german.sensitive_features.to_numpy())
    bunch = fetch_german(as_frame=False)
    assert bunch.frame is None and len(bunch.feature_names) == 62


def test_invalid_threshold_is_rejected():
    with pytest.raises(TypeError, match="age_threshold"):
        fetch_german(age_threshold="25")


def test_a_damaged_data_home_copy_is_refused(tmp_path):
    (tmp_path / "german").mkdir()
    (tmp_path / "german" / "german.data").write_text("A11 6 A34\n")
    with pytest.raises(OSError, match="german.data is damaged or another version"):
        fetch_german(data_home=tmp_path)
