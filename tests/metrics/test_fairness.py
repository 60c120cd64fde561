import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    selection_rate,
    true_positive_rate,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skfrl.metrics import downstream_fairness, fairness_report


def make_predictions(n=300, seed=0):
    rng = np.random.default_rng(seed)
    s = np.where(rng.random(n) < 0.4, "female", "male")
    y_true = rng.integers(0, 2, size=n)
    # predictions favour one group, so the fairness gaps are not zero
    y_pred = np.where(rng.random(n) < 0.8, y_true, s == "male").astype(int)
    return y_true, y_pred, s


def make_representation(n=300, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 2, size=n)
    Z = rng.normal(size=(n, 3)) + s[:, None]
    y = (Z[:, 0] + rng.normal(scale=0.5, size=n) > 0.5).astype(int)
    return Z, y, s


def test_fairness_report_matches_fairlearn_functions():
    y_true, y_pred, s = make_predictions()
    report = fairness_report(y_true, y_pred, sensitive_features=s)
    assert isinstance(report, MetricFrame)
    assert report.by_group.index.tolist() == ["female", "male"]
    gaps = report.difference()
    kwargs = dict(sensitive_features=s)
    assert gaps["selection_rate"] == pytest.approx(
        demographic_parity_difference(y_true, y_pred, **kwargs)
    )
    assert max(gaps["true_positive_rate"], gaps["false_positive_rate"]) == (
        pytest.approx(equalized_odds_difference(y_true, y_pred, **kwargs))
    )
    assert report.overall["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    female = s == "female"
    assert report.by_group.loc["female", "selection_rate"] == pytest.approx(
        selection_rate(y_true[female], y_pred[female])
    )
    assert report.by_group.loc["male", "true_positive_rate"] == pytest.approx(
        true_positive_rate(y_true[~female], y_pred[~female])
    )


def test_fairness_report_rejects_bad_sensitive_features():
    y_true, y_pred, _ = make_predictions(n=30)
    with pytest.raises(ValueError, match="exactly two groups"):
        fairness_report(y_true, y_pred, sensitive_features=np.arange(30) % 3)
    with pytest.raises(ValueError, match="sensitive_features has 29 samples"):
        fairness_report(y_true, y_pred, sensitive_features=np.arange(29) % 2)


def test_downstream_fairness_matches_fairlearn_on_its_predictions():
    Z, y, s = make_representation(seed=0)
    Z_test, y_test, s_test = make_representation(seed=1)
    record = downstream_fairness(Z, y, Z_test, y_test, sensitive_features=s_test)
    default = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    y_pred = default.fit(Z, y).predict(Z_test)
    kwargs = dict(sensitive_features=s_test)
    assert record["downstream_accuracy"] == accuracy_score(y_test, y_pred)
    assert record["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y_test, y_pred, **kwargs)
    )
    assert record["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y_test, y_pred, **kwargs)
    )
    assert record["downstream_accuracy"] > 0.7
    assert record["demographic_parity_difference"] > 0.1  # Z leaks s into y_pred


def test_downstream_fairness_uses_given_classifier_without_fitting_it():
    Z, y, s = make_representation()
    classifier = DecisionTreeClassifier(max_depth=1, random_state=0)
    record = downstream_fairness(
        Z, y, Z, y, sensitive_features=s, classifier=classifier
    )
    y_pred = DecisionTreeClassifier(max_depth=1, random_state=0).fit(Z, y).predict(Z)
    assert record["downstream_accuracy"] == accuracy_score(y, y_pred)
    assert not hasattr(classifier, "tree_")


def test_downstream_fairness_does_not_modify_inputs():
    Z, y, s = make_representation()
    frames = [pd.DataFrame(Z), pd.Series(y), pd.Series(s)]
    copies = [frame.copy() for frame in frames]
    downstream_fairness(
        frames[0], frames[1], frames[0], frames[1], sensitive_features=frames[2]
    )
    pd.testing.assert_frame_equal(frames[0], copies[0])
    pd.testing.assert_series_equal(frames[1], copies[1])
    pd.testing.assert_series_equal(frames[2], copies[2])


@pytest.mark.parametrize(
    "which, match", [("Z_test", "Z_test"), ("y_test", "y_test has 299 samples")]
)
def test_downstream_fairness_rejects_bad_inputs(which, match):
    Z, y, s = make_representation()
    args = {"Z_train": Z, "y_train": y, "Z_test": Z.copy(), "y_test": y}
    if which == "Z_test":
        args["Z_test"][0, 0] = np.nan
    else:
        args["y_test"] = y[:-1]
    with pytest.raises(ValueError, match=match):
        downstream_fairness(**args, sensitive_features=s)


def test_fairness_report_names_its_arguments():
    y = np.array([0, 1] * 10)
    s = np.arange(20) % 2
    with pytest.raises(ValueError, match="y_pred has 10 samples but y_true has 20"):
        fairness_report(y, y[:10], sensitive_features=s)
    with pytest.raises(
        ValueError, match="sensitive_features has 10 samples but y_true"
    ):
        fairness_report(y, y, sensitive_features=s[:10])
    with pytest.raises(ValueError, match=r"y_true must hold binary labels.*\[3, 5\]"):
        fairness_report(y * 2 + 3, y, sensitive_features=s)
    assert fairness_report(y.astype(bool), y, sensitive_features=s).overall[
        "accuracy"
    ] == pytest.approx(1.0)
