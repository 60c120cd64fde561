import numpy as np
import pytest

from skfrl.models import CFair


@pytest.fixture(scope="module")
def planted_data():
    """Biased (X, y, s) with 20 planted rows far off their class, appended last."""
    rng = np.random.default_rng(0)
    n, n_planted = 200, 20
    s = (rng.random(n + n_planted) < 0.4).astype(np.int64)
    y = (rng.random(n + n_planted) < 0.5).astype(np.int64)
    X = rng.normal(size=(n + n_planted, 5)).astype(np.float32)
    X[:, 0] += 2.0 * y
    X[:, 1] += 1.0 * s
    X[n:] += np.float32(6.0)  # far from every centroid, along every axis
    mask = np.r_[np.zeros(n, bool), np.ones(n_planted, bool)]
    return X, y, s, mask


@pytest.fixture(scope="module")
def tiny_victim(planted_data):
    X, y, s, mask = planted_data
    return CFair(
        max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0
    ).fit(X[~mask], y[~mask], sensitive_features=s[~mask])
