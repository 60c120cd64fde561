import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import FunctionTransformer

from skfrl.metrics import (
    downstream_fairness,
    evaluate_representation,
    fld_score,
    probe_bce,
)

KEYS = [
    "n_samples",
    "sensitive_entropy",
    "probe_bce",
    "probe_auc",
    "probe_accuracy",
    "fld_score",
    "knn_mutual_info",
    "downstream_accuracy",
    "demographic_parity_difference",
    "equalized_odds_difference",
]


def make_data(n=300, seed=0):
    """Column 0 predicts y, column 1 reveals s, column 2 is noise."""
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 2, size=n)
    X = np.c_[rng.normal(size=n), rng.normal(size=n) + 2 * s, rng.normal(size=n)]
    y = (X[:, 0] > 0).astype(int)
    return X, y, s


def select(columns, X):
    return FunctionTransformer(lambda X: np.asarray(X)[:, columns]).fit(X)


def test_record_has_stable_keys_and_float_values():
    X, y, s = make_data()
    record = evaluate_representation(select([0, 1], X), X, y, sensitive_features=s)
    assert list(record) == KEYS
    assert record["n_samples"] == 300
    assert all(isinstance(record[key], float) for key in KEYS[1:])


def test_as_frame_gives_one_row():
    X, y, s = make_data()
    transformer = select([0, 1], X)
    frame = evaluate_representation(
        transformer, X, y, sensitive_features=s, random_state=0, as_frame=True
    )
    record = evaluate_representation(
        transformer, X, y, sensitive_features=s, random_state=0
    )
    assert isinstance(frame, pd.DataFrame)
    assert frame.columns.tolist() == KEYS
    assert frame.iloc[0].to_dict() == pytest.approx(record)


def test_leaky_representation_scores_as_leakier():
    X, y, s = make_data()
    kwargs = dict(sensitive_features=s, random_state=0)
    fair = evaluate_representation(select([0, 2], X), X, y, **kwargs)
    leaky = evaluate_representation(select([0, 1], X), X, y, **kwargs)
    assert leaky["probe_bce"] < fair["probe_bce"]
    for key in ["probe_auc", "probe_accuracy", "fld_score", "knn_mutual_info"]:
        assert leaky[key] > fair[key]
    assert fair["downstream_accuracy"] > 0.9


def test_metrics_agree_with_public_functions():
    X, y, s = make_data()
    transformer = select([0, 1], X)
    record = evaluate_representation(
        transformer, X, y, sensitive_features=s, random_state=0
    )
    Z = transformer.transform(X)
    # the probe draws its folds first from the generator of random_state=0
    rng = np.random.RandomState(0)
    assert record["probe_bce"] == pytest.approx(probe_bce(Z, s, random_state=rng))
    assert record["fld_score"] == pytest.approx(fld_score(Z, s))


def test_training_set_fits_the_downstream_classifier():
    X, y, s = make_data(seed=0)
    X_train, y_train, _ = make_data(seed=1)
    transformer = select([0, 1], X)
    record = evaluate_representation(
        transformer, X, y, sensitive_features=s, X_train=X_train, y_train=y_train
    )
    expected = downstream_fairness(
        transformer.transform(X_train),
        y_train,
        transformer.transform(X),
        y,
        sensitive_features=s,
    )
    for key in ["downstream_accuracy", "demographic_parity_difference"]:
        assert record[key] == expected[key]


def test_random_state_gives_same_record():
    X, y, s = make_data()
    transformer = select([0, 1, 2], X)
    first = evaluate_representation(
        transformer, X, y, sensitive_features=s, random_state=7
    )
    second = evaluate_representation(
        transformer, X, y, sensitive_features=s, random_state=7
    )
    assert first == second


def test_inputs_are_not_modified():
    X, y, s = make_data()
    X_frame, y_series, s_series = pd.DataFrame(X), pd.Series(y), pd.Series(s)
    copies = X_frame.copy(), y_series.copy(), s_series.copy()
    evaluate_representation(
        select([0, 1], X), X_frame, y_series, sensitive_features=s_series
    )
    pd.testing.assert_frame_equal(X_frame, copies[0])
    pd.testing.assert_series_equal(y_series, copies[1])
    pd.testing.assert_series_equal(s_series, copies[2])


def test_bad_inputs_are_rejected():
    X, y, s = make_data()
    transformer = select([0, 1], X)
    with pytest.raises(ValueError, match="X_train and y_train"):
        evaluate_representation(transformer, X, y, sensitive_features=s, X_train=X)
    with pytest.raises(ValueError, match="sensitive_features has 299 samples"):
        evaluate_representation(transformer, X, y, sensitive_features=s[1:])
    with pytest.raises(ValueError, match="y_eval has 299 samples"):
        evaluate_representation(transformer, X, y[1:], sensitive_features=s)
    with pytest.raises(TypeError, match="transformer"):
        evaluate_representation("pca", X, y, sensitive_features=s)


def test_strong_probes_add_their_scores_and_default_is_deterministic():
    X, y, s = make_data()
    transformer = select([0, 1], X)
    record = evaluate_representation(
        transformer, X, y, sensitive_features=s, strong_probes=("hgb",)
    )
    hgb = ["probe_bce_hgb", "probe_auc_hgb", "probe_accuracy_hgb"]
    assert set(record) == {*KEYS, *hgb}
    assert 0 < record["probe_bce_hgb"] < record["sensitive_entropy"]
    again = evaluate_representation(transformer, X, y, sensitive_features=s)
    assert again["probe_bce"] == record["probe_bce"]
    assert again["knn_mutual_info"] == record["knn_mutual_info"]
    with pytest.raises(ValueError, match="probe must be one of"):
        evaluate_representation(
            transformer, X, y, sensitive_features=s, strong_probes=("svm",)
        )
