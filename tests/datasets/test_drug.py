import numpy as np
import pytest

from skfrl.datasets import fetch_drug

pytestmark = pytest.mark.network


def test_shape_label_and_group_balance(drug_home):
    bunch = fetch_drug(data_home=drug_home, download_if_missing=False)
    assert bunch.data.shape == (1885, 11)
    assert bunch.data.dtypes.eq(np.float64).all()
    assert "gender" not in bunch.data.columns
    assert list(bunch.data.columns) == bunch.feature_names
    assert bunch.sensitive_features.sum() == 943  # male
    assert bunch.target.name == "cannabis"
    assert bunch.target.mean() == pytest.approx(0.6711, abs=1e-4)


def test_ethnicity_and_other_drug(drug_home):
    bunch = fetch_drug(
        data_home=drug_home, drug="heroin", sensitive_attribute="ethnicity"
    )
    assert "ethnicity" not in bunch.data.columns and "gender" in bunch.data.columns
    assert bunch.sensitive_features.sum() == 1720  # White
    assert 0.05 < bunch.target.mean() < 0.2


def test_raw_decodes_categories(drug_home):
    raw = fetch_drug(data_home=drug_home, raw=True)
    assert raw.data.shape == (1885, 11)
    assert raw.data["age"].value_counts()["18-24"] == 643
    assert raw.data["country"].value_counts()["UK"] == 1044
    assert raw.data["nscore"].dtype == np.float64


def test_return_x_y_s_as_numpy(drug_home):
    X, y, s = fetch_drug(data_home=drug_home, as_frame=False, return_X_y_s=True)
    assert X.dtype == np.float64 and X.shape == (1885, 11)
    assert set(np.unique(y)) == set(np.unique(s)) == {0, 1}


def test_unknown_drug_is_a_clear_error():
    with pytest.raises(ValueError, match="'drug' parameter of fetch_drug"):
        fetch_drug(drug="coffee")
