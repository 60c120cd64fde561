import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score

from skfrl.datasets import make_biased_classification


def probe_auc(X, s):
    """Cross-validated ROC AUC of a linear probe predicting s from X."""
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    return cross_val_score(LogisticRegression(), X, s, scoring="roc_auc", cv=cv).mean()


def test_shapes_and_dtypes():
    X, y, s = make_biased_classification(300, 7, n_informative=3, random_state=0)
    assert X.shape == (300, 7) and X.dtype == np.float64
    assert y.shape == s.shape == (300,)
    assert y.dtype == s.dtype == np.int64
    assert set(np.unique(y)) == set(np.unique(s)) == {0, 1}


def test_same_seed_same_data_and_global_rng_untouched():
    state = np.random.get_state()
    first = make_biased_classification(random_state=3)
    second = make_biased_classification(random_state=3)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], make_biased_classification(random_state=4)[0])
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1])


def test_leakage_controls_how_predictable_s_is():
    aucs = [
        probe_auc(
            *make_biased_classification(2000, leakage=leakage, random_state=0)[::2]
        )
        for leakage in (0.0, 0.5, 1.0)
    ]
    assert abs(aucs[0] - 0.5) < 0.05
    assert aucs[0] < aucs[1] < aucs[2]
    assert aucs[2] > 0.9


def test_group_ratio_and_label_bias():
    X, y, s = make_biased_classification(1000, group_ratio=0.2, random_state=0)
    assert s.mean() == pytest.approx(0.2)
    assert y[s == 1].mean() > y[s == 0].mean()


def test_flip_y_adds_label_noise():
    _, clean, _ = make_biased_classification(1000, random_state=0)
    _, noisy, _ = make_biased_classification(1000, flip_y=0.5, random_state=0)
    assert 0.1 < np.mean(clean != noisy) < 0.4


def test_as_frame_names_columns_by_role():
    X, y, s = make_biased_classification(50, 10, n_informative=3, as_frame=True)
    assert isinstance(X, pd.DataFrame)
    assert list(X.columns[:4]) == [
        "informative_0",
        "informative_1",
        "informative_2",
        "proxy_0",
    ]
    assert X.columns[-1] == "noise_5"
    assert (y.name, s.name) == ("target", "sensitive")


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_samples": 1}, ValueError, "n_samples"),
        ({"n_features": 0}, ValueError, "n_features"),
        ({"n_features": 3, "n_informative": 5}, ValueError, "n_informative"),
        ({"leakage": 1.5}, ValueError, "leakage"),
        ({"group_ratio": 1.0}, ValueError, "group_ratio"),
        ({"flip_y": -0.1}, ValueError, "flip_y"),
        ({"n_samples": 10.5}, TypeError, "n_samples"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_bad_parameters_are_named(params, error, match):
    with pytest.raises(error, match=match):
        make_biased_classification(**params)
