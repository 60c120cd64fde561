import numpy as np
import pytest

from skfrl.datasets import fetch_compas

pytestmark = pytest.mark.network


def test_race_keeps_two_groups(compas_home):
    bunch = fetch_compas(data_home=compas_home, download_if_missing=False)
    assert bunch.data.shape == (5278, 12)
    assert bunch.data.dtypes.eq(np.float64).all()
    assert bunch.sensitive_features.sum() == 2103  # Caucasian
    assert bunch.target.mean() == pytest.approx(0.4704, abs=1e-4)
    assert list(bunch.data.columns) == bunch.feature_names
    assert not any(c.startswith("race") for c in bunch.feature_names)
    for group, size in (("age_cat=", 3), ("sex=", 2), ("c_charge_degree=", 2)):
        one_hot = bunch.data.filter(like=group)
        assert one_hot.shape[1] == size
        assert one_hot.sum(axis=1).eq(1).all()


def test_sex_keeps_all_filtered_rows(compas_home):
    bunch = fetch_compas(data_home=compas_home, sensitive_attribute="sex")
    assert bunch.data.shape == (6172, 16)
    assert bunch.sensitive_features.sum() == 1175  # Female
    assert bunch.target.mean() == pytest.approx(0.4551, abs=1e-4)
    assert bunch.data.filter(like="race=").shape[1] == 6
    assert not any(c.startswith("sex") for c in bunch.feature_names)


def test_raw_and_no_personal_data(compas_home):
    raw = fetch_compas(data_home=compas_home, raw=True)
    assert raw.data.shape == (5278, 8)
    assert set(raw.data["age_cat"]) == {"Less than 25", "25 - 45", "Greater than 45"}
    for personal in ("name", "first", "last", "dob", "id"):
        assert personal not in raw.frame.columns


def test_return_x_y_s_as_numpy(compas_home):
    X, y, s = fetch_compas(data_home=compas_home, as_frame=False, return_X_y_s=True)
    assert X.dtype == np.float64 and X.shape == (5278, 12)
    assert y.dtype == np.int64 and s.dtype == np.int64
    assert len(y) == len(s) == 5278
