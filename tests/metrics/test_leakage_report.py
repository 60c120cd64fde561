import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from skfrl.metrics import leakage_report, probe_bce, sensitive_entropy


@pytest.fixture(scope="module")
def spread_data():
    rng = np.random.RandomState(0)
    s = rng.randint(2, size=600)
    Z = rng.normal(size=(600, 3))
    Z[:, 0] *= np.where(s == 1, 3.0, 1.0)
    return Z, s


def test_report_has_one_row_per_probe_and_the_constant(spread_data):
    Z, s = spread_data
    report = leakage_report(Z, s, cv=3, n_repeats=2)
    assert report.index.tolist() == ["logistic", "mlp", "hgb", "constant (H(s))"]
    assert (report["n_folds"] == 6).all()
    constant = report.loc["constant (H(s))"]
    assert constant["bce"] == pytest.approx(sensitive_entropy(s))
    assert constant["auc"] == 0.5
    assert constant["accuracy"] == pytest.approx(np.bincount(s).max() / len(s))


def test_intervals_hold_the_mean(spread_data):
    Z, s = spread_data
    report = leakage_report(Z, s, probes=("logistic", "hgb"), cv=3, n_repeats=1)
    for score in ("bce", "auc", "accuracy"):
        assert (report[f"{score}_low"] <= report[score]).all()
        assert (report[score] <= report[f"{score}_high"]).all()


def test_strong_probe_catches_spread_only_leakage(spread_data):
    Z, s = spread_data
    report = leakage_report(Z, s, probes=("logistic", "hgb"), cv=3, n_repeats=1)
    entropy = sensitive_entropy(s)
    assert report.loc["logistic", "bce"] > entropy - 0.02
    assert report.loc["hgb", "bce"] < entropy - 0.1
    assert report.loc["hgb", "auc"] > 0.7


def test_report_is_deterministic_and_agrees_with_probe_bce(spread_data):
    Z, s = spread_data
    first = leakage_report(Z, s, probes=("logistic",), cv=5, n_repeats=1)
    second = leakage_report(Z, s, probes=("logistic",), cv=5, n_repeats=1)
    assert first.equals(second)
    # the mean over equal-sized folds of the fold log-losses is the pooled one
    pooled = probe_bce(Z, s, probe="logistic")
    assert first.loc["logistic", "bce"] == pytest.approx(pooled, abs=0.01)


def test_classifier_rows_are_named_after_their_class(spread_data):
    Z, s = spread_data
    report = leakage_report(Z, s, probes=(LogisticRegression(),), cv=2, n_repeats=1)
    assert report.index[0] == "LogisticRegression"


def test_bad_probes_are_rejected(spread_data):
    Z, s = spread_data
    with pytest.raises(ValueError, match="probe must be one of"):
        leakage_report(Z, s, probes=("svm",))
    with pytest.raises(ValueError, match="each once"):
        leakage_report(Z, s, probes=("hgb", "hgb"))
    with pytest.raises(ValueError, match="each once"):
        leakage_report(Z, s, probes=())
    with pytest.raises(ValueError, match="n_repeats"):
        leakage_report(Z, s, n_repeats=0)


def test_inputs_are_not_modified(spread_data):
    Z, s = spread_data
    Z_copy, s_copy = Z.copy(), s.copy()
    leakage_report(Z, s, probes=("logistic",), cv=2, n_repeats=1)
    np.testing.assert_array_equal(Z, Z_copy)
    np.testing.assert_array_equal(s, s_copy)


def test_parallel_fits_give_the_same_report(spread_data):
    Z, s = spread_data
    serial = leakage_report(Z, s, probes=("logistic", "hgb"), cv=3, n_repeats=1)
    parallel = leakage_report(
        Z, s, probes=("logistic", "hgb"), cv=3, n_repeats=1, n_jobs=2
    )
    pd.testing.assert_frame_equal(serial, parallel)
