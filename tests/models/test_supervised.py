import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from skfrl.datasets import make_biased_classification
from skfrl.metrics import probe_bce
from skfrl.models import CFair, SupervisedEncoder

TINY = dict(hidden_layer_sizes=(16,), max_epochs=5, batch_size=64)


@pytest.fixture(scope="module")
def leaky_data():
    return make_biased_classification(
        n_samples=300, n_features=10, leakage=1.0, random_state=0
    )


def test_supervised_encoder_learns_the_task(biased_data):
    X, y, s = biased_data
    model = SupervisedEncoder(random_state=0, lr=1e-2, **TINY).fit(X[:250], y[:250])
    clf = LogisticRegression().fit(model.transform(X[:250]), y[:250])
    majority = max(y[250:].mean(), 1 - y[250:].mean())
    assert clf.score(model.transform(X[250:]), y[250:]) > majority + 0.15


def test_supervised_encoder_leaks_more_than_cfair(leaky_data):
    X, y, s = leaky_data

    def mean_bce(make):
        return np.mean(
            [
                probe_bce(
                    make(seed).fit(X, y, sensitive_features=s).transform(X),
                    s,
                    random_state=0,
                )
                for seed in (0, 1)
            ]
        )

    supervised = mean_bce(lambda seed: SupervisedEncoder(random_state=seed, **TINY))
    cfair = mean_bce(lambda seed: CFair(random_state=seed, **TINY))
    # Measured over seeds 0-7: the mean gap of a pair of seeds is 0.08-0.12.
    assert cfair > supervised + 0.05


def test_sensitive_features_change_nothing(biased_data):
    X, y, s = biased_data
    model = SupervisedEncoder(random_state=0, **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z_with = model.fit(X, y, sensitive_features=s).transform(X)
        Z_without = model.fit(X, y).transform(X)
    np.testing.assert_array_equal(Z_with, Z_without)
    assert model.sensitive_groups_ is None


def test_no_adversary_and_a_linear_representation(biased_data):
    X, y, s = biased_data
    model = SupervisedEncoder(random_state=0, **TINY).fit(X, y)
    assert len(model.net_.module_.adversaries) == 0
    assert model.net_.criterion_.fairness_weight == 0
    assert (model.transform(X) < 0).any()
