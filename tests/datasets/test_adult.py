import numpy as np
import pytest

from skfrl.datasets import fetch_adult

pytestmark = pytest.mark.network

GROUP_SIZES = {
    "age": 11,
    "workclass": 8,
    "education": 16,
    "marital-status": 7,
    "occupation": 14,
    "relationship": 6,
    "race": 5,
    "native-country": 41,
}


@pytest.fixture(scope="module")
def adult(adult_home):
    return fetch_adult(data_home=adult_home, download_if_missing=False)


def test_shape_label_and_group_balance(adult):
    assert adult.data.shape == (45222, 112)
    assert adult.data.dtypes.eq(np.float64).all()
    assert adult.target.mean() == pytest.approx(0.2478, abs=1e-4)
    assert adult.sensitive_features.mean() == pytest.approx(0.6750, abs=1e-4)
    assert adult.target_names == ["<=50K", ">50K"]
    assert list(adult.frame.columns[-2:]) == ["income", "sex"]


def test_reddy_encoding(adult):
    columns = adult.data.columns
    assert list(columns) == adult.feature_names
    for name, size in GROUP_SIZES.items():
        group = adult.data[[c for c in columns if c.startswith(f"{name}=")]]
        assert group.shape[1] == size, name
        assert group.sum(axis=1).eq(1).all(), name
    numeric = ["education-num", "capital-gain", "capital-loss", "hours-per-week"]
    assert set(columns) - {c for c in columns if "=" in c} == set(numeric)
    assert not any(c.startswith(("sex", "fnlwgt", "income")) for c in columns)


def test_age_bins_are_right_closed(adult, adult_home):
    age = fetch_adult(data_home=adult_home, raw=True).data["age"]
    assert adult.data.loc[age == 25, "age=(18,25]"].eq(1).all()
    assert adult.data.loc[age == 26, "age=(25,30]"].eq(1).all()
    assert adult.data.loc[age <= 18, "age=(-inf,18]"].eq(1).all()
    assert adult.data.loc[age > 65, "age=(65,inf)"].eq(1).all()


def test_raw_columns_without_sensitive(adult_home):
    raw = fetch_adult(data_home=adult_home, raw=True)
    assert raw.data.shape == (45222, 13)
    assert "sex" not in raw.data.columns and "fnlwgt" in raw.data.columns
    assert not raw.data.isin(["?"]).any().any()
    assert set(raw.data["workclass"]) <= {
        "Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov",
        "State-gov", "Without-pay", "Never-worked",
    }  # fmt: skip


def test_race_as_sensitive_attribute(adult_home):
    bunch = fetch_adult(data_home=adult_home, sensitive_attribute="race")
    assert bunch.data.shape == (45222, 109)
    assert {"sex=Female", "sex=Male"} <= set(bunch.data.columns)
    assert not any(c.startswith("race") for c in bunch.data.columns)
    assert bunch.sensitive_features.name == "race"
    assert bunch.sensitive_features.mean() == pytest.approx(0.8603, abs=1e-4)


def test_return_x_y_s_as_numpy(adult, adult_home):
    X, y, s = fetch_adult(data_home=adult_home, as_frame=False, return_X_y_s=True)
    assert X.dtype == np.float64 and X.shape == (45222, 112)
    assert y.dtype == np.int64 and set(np.unique(s)) == {0, 1}
    np.testing.assert_array_equal(X, adult.data.to_numpy())
    np.testing.assert_array_equal(y, adult.target.to_numpy())


def test_invalid_sensitive_attribute():
    with pytest.raises(ValueError, match="sensitive_attribute"):
        fetch_adult(sensitive_attribute="age")
