import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _deterministic_cpu_torch():
    """Run every test with deterministic torch kernels and one thread."""
    previous = torch.are_deterministic_algorithms_enabled()
    previous_threads = torch.get_num_threads()
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.set_num_threads(1)
    yield
    torch.use_deterministic_algorithms(previous)
    torch.set_num_threads(previous_threads)


@pytest.fixture(scope="module")
def biased_data():
    """A small float32 (X, y, s) fixture where X carries s and y."""
    rng = np.random.default_rng(0)
    n = 400
    s = (rng.random(n) < 0.4).astype(np.int64)
    X = rng.normal(size=(n, 6)).astype(np.float32)
    X[:, 0] += 1.5 * s
    X[:, 1] += 0.8 * s
    y = (X[:, 2] + 0.5 * X[:, 0] > 0.3).astype(np.int64)
    return X, y, s
