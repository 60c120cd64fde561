import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skfrl.metrics import (
    SensitiveFeaturesNotRoutedError,
    fld_score,
    make_leakage_scorer,
    probe_bce,
)


class DropColumns(TransformerMixin, BaseEstimator):
    """Keep the first ``n_kept`` columns: a stand-in for an FRL transformer."""

    def __init__(self, n_kept=1):
        self.n_kept = n_kept

    def fit(self, X, y=None):
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X):
        return np.asarray(X)[:, : self.n_kept]


def make_data(n=300, seed=0):
    """Column 0 is noise, column 1 reveals s."""
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 2, size=n)
    X = np.c_[rng.normal(size=n), rng.normal(size=n) + 2 * s]
    return X, s


def test_direct_call_equals_metric():
    X, s = make_data()
    pca = PCA(1).fit(X)
    scorer = make_leakage_scorer("probe_bce", cv=3, random_state=0)
    expected = probe_bce(pca.transform(X), s, cv=3, random_state=0)
    assert scorer(pca, X, sensitive_features=s) == expected
    negated = make_leakage_scorer("fld_score", greater_is_better=False)
    assert negated(pca, X, None, sensitive_features=s) == -fld_score(
        pca.transform(X), s
    )


def test_cross_validate_routes_sensitive_features():
    X, s = make_data()
    scorer = make_leakage_scorer("probe_auc", cv=3, random_state=0)
    pipe = make_pipeline(StandardScaler(), DropColumns(n_kept=2))
    with sklearn.config_context(enable_metadata_routing=True):
        result = cross_validate(
            pipe, X, cv=3, scoring=scorer, params={"sensitive_features": s}
        )
    assert result["test_score"].shape == (3,)
    assert np.all(result["test_score"] > 0.8)


def test_grid_search_selects_the_least_leaky_representation():
    X, s = make_data()
    scorer = make_leakage_scorer("probe_bce", cv=3, random_state=0)
    search = GridSearchCV(DropColumns(), {"n_kept": [1, 2]}, scoring=scorer, cv=3)
    with sklearn.config_context(enable_metadata_routing=True):
        search.fit(X, sensitive_features=s)
    assert search.best_params_ == {"n_kept": 1}


def test_a_search_without_routing_stops_at_the_first_score():
    X, s = make_data()
    scorer = make_leakage_scorer(cv=3)
    search = GridSearchCV(DropColumns(), {"n_kept": [1, 2]}, scoring=scorer, cv=3)
    # error_score=nan would turn a ValueError into NaN scores behind a warning
    with pytest.raises(SensitiveFeaturesNotRoutedError, match="routing is off"):
        search.fit(X, s)
    with pytest.raises(SensitiveFeaturesNotRoutedError, match="enable_metadata"):
        cross_validate(DropColumns(), X, s, cv=3, scoring=scorer)
    assert not issubclass(SensitiveFeaturesNotRoutedError, Exception)


def test_missing_sensitive_features_with_routing_on_is_a_value_error():
    X, _ = make_data()
    scorer = make_leakage_scorer()
    with (
        sklearn.config_context(enable_metadata_routing=True),
        pytest.raises(ValueError, match="needs sensitive_features"),
    ):
        scorer(DropColumns().fit(X), X)


def test_invalid_arguments_are_rejected_at_construction():
    with pytest.raises(ValueError, match="metric"):
        make_leakage_scorer("probe_f1")
    with pytest.raises(TypeError, match="n_folds"):
        make_leakage_scorer("probe_bce", n_folds=3)


def test_repr_shows_the_configuration():
    scorer = make_leakage_scorer("fld_score", greater_is_better=False, ridge=0.1)
    assert repr(scorer) == (
        "make_leakage_scorer('fld_score', greater_is_better=False, ridge=0.1)"
    )
