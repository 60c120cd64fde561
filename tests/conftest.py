import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.preprocessing import StandardScaler


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


@pytest.fixture(scope="module")
def mixed_data():
    """Integer age, a one-hot colour, a binary flag and a real income, scaled."""
    rng = np.random.default_rng(0)
    n = 300
    s = rng.integers(2, size=n)
    colour = rng.integers(3, size=n)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, size=n).astype(float) + 5 * s,
            "colour=red": (colour == 0).astype(float),
            "colour=green": (colour == 1).astype(float),
            "colour=blue": (colour == 2).astype(float),
            "smoker": (rng.random(n) < 0.3 + 0.3 * s).astype(float),
            "income": rng.lognormal(3, 1, size=n),
        }
    )
    y = (frame["income"] + 10 * frame["smoker"] > 25).astype(int).to_numpy()
    scaler = StandardScaler().fit(frame)
    X = pd.DataFrame(scaler.transform(frame), columns=frame.columns)
    return X, y, s, frame, scaler
