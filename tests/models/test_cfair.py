import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from skfrl.datasets import make_biased_classification
from skfrl.metrics import probe_bce
from skfrl.models import CFair
from skfrl.nn import balanced_class_weights

TINY = dict(hidden_layer_sizes=(16,), max_epochs=5, batch_size=64)


@pytest.fixture(scope="module")
def leaky_data():
    """Features that reveal s almost perfectly (raw probe BCE about 0.12)."""
    return make_biased_classification(
        n_samples=300, n_features=10, leakage=1.0, random_state=0
    )


def _downstream_accuracy(model, X, y, s, n_train=250):
    model.fit(X[:n_train], y[:n_train], sensitive_features=s[:n_train])
    Z = model.transform(X)
    clf = LogisticRegression().fit(Z[:n_train], y[:n_train])
    return clf.score(Z[n_train:], y[n_train:])


@pytest.mark.parametrize("class_weight", ["balanced", None])
def test_cfair_learns_the_task(biased_data, class_weight):
    X, y, s = biased_data
    model = CFair(class_weight=class_weight, random_state=0, **TINY)
    majority = max(y[250:].mean(), 1 - y[250:].mean())
    assert _downstream_accuracy(model, X, y, s) > majority + 0.15


def test_fairness_weight_lowers_leakage(leaky_data):
    X, y, s = leaky_data

    def mean_bce(fairness_weight):
        return np.mean(
            [
                probe_bce(
                    CFair(fairness_weight=fairness_weight, random_state=seed, **TINY)
                    .fit(X, y, sensitive_features=s)
                    .transform(X),
                    s,
                    random_state=0,
                )
                for seed in (0, 1)
            ]
        )

    # Measured over seeds 0-7: BCE 0.12-0.23 without the adversaries, 0.34-0.47
    # with them; the mean gain of a pair of seeds is 0.09-0.23.
    assert mean_bce(10.0) > mean_bce(0.0) + 0.05


def test_class_weight_sets_the_task_weights(biased_data):
    X, y, s = biased_data
    balanced = CFair(random_state=0, **TINY).fit(X, y, sensitive_features=s)
    plain = CFair(class_weight=None, random_state=0, **TINY).fit(
        X, y, sensitive_features=s
    )
    expected = balanced_class_weights(torch.as_tensor(y), 2)
    torch.testing.assert_close(balanced.net_.criterion_.task_weight, expected)
    torch.testing.assert_close(plain.net_.criterion_.task_weight, torch.ones(2))
    assert not np.allclose(balanced.transform(X), plain.transform(X))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_one_adversary_per_class(biased_data, n_classes):
    X, y, s = biased_data
    y = y if n_classes == 2 else np.digitize(X[:, 2], [-0.5, 0.5])
    model = CFair(random_state=0, **TINY).fit(X, y, sensitive_features=s)
    assert len(model.classes_) == n_classes
    assert len(model.net_.module_.adversaries) == n_classes
    assert model.net_.criterion_.conditioning == "class"
    assert model.net_.criterion_.adversary_weight.shape == (n_classes, 2)


def test_representation_is_post_relu(biased_data):
    X, y, s = biased_data
    Z = CFair(random_state=0, **TINY).fit(X, y, sensitive_features=s).transform(X)
    assert (Z >= 0).all() and (Z > 0).any()
