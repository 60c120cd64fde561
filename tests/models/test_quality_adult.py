"""Quality on Adult: every fair model is useful and leaks less than the reference.

Adult is split 80/20 stratified by s and standardised on the training part.
A model is useful when a logistic regression on its Z reaches the accuracy
bar on the held-out part, and fair when a logistic probe of s, fitted on the
training Z, has a held-out BCE clearly above that of ``SupervisedEncoder``
(the same protocol as ``benchmarks/bench_models.py``). The thresholds leave
a margin below the values measured there (see benchmarks/README.md).
"""

from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skfrl.datasets import fetch_adult, get_data_home
from skfrl.metrics import downstream_fairness, probe_bce
from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder

pytestmark = [
    pytest.mark.slow,
    pytest.mark.network,
    pytest.mark.skipif(
        not (Path(get_data_home()) / "adult").is_dir(),
        reason="needs the Adult files in SKFRL_DATA_HOME/adult",
    ),
]

# name: (model, accuracy bar, required BCE gain over the reference). With
# their defaults CFair and CFair-EO (60-wide Z) leak more than the 8-wide
# reference (BCE 0.52 vs 0.58) and AdvFRL only just less (0.60); these are the
# settings that pass, measured at seed 0: accuracy 0.843, 0.847, 0.850 and BCE
# 0.611, 0.615, 0.623 vs the reference's 0.580.
FAIR_MODELS = {
    "cfair": (lambda: CFair(n_components=8, random_state=0), 0.82, 0.015),
    "cfair_eo": (
        lambda: CFair(n_components=8, class_weight=None, random_state=0),
        0.82,
        0.015,
    ),
    "advfrl": (lambda: AdvFRL(fairness_weight=3.0, random_state=0), 0.82, 0.02),
}
# ICVAE misses the BCE bar with every setting tried that keeps accuracy above
# 0.80: its posterior means carry s (a probe on sampled z does not find it).
# What it reaches with its defaults, measured at seed 0: accuracy 0.830 and
# 0.826, BCE 0.414 and 0.398.
LEAKY_MODELS = {
    "icvae_s": (lambda: ICVAE(random_state=0), 0.81, 0.36),
    "icvae_us": (lambda: ICVAE(supervised=False, random_state=0), 0.81, 0.36),
}


@contextmanager
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def adult():
    X, y, s = fetch_adult(return_X_y_s=True, as_frame=False)
    X_train, X_test, y_train, y_test, s_train, s_test = train_test_split(
        X, y, s, test_size=0.2, stratify=s, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train).astype(np.float32)
    X_test = scaler.transform(X_test).astype(np.float32)
    return (X_train, y_train, s_train), (X_test, y_test, s_test)


def _evaluate(model, adult):
    """Fit on the training part; held-out downstream accuracy and probe BCE."""
    (X_train, y_train, s_train), (X_test, y_test, s_test) = adult
    with _one_thread():
        model.fit(X_train, y_train, sensitive_features=s_train)
        Z_train, Z_test = model.transform(X_train), model.transform(X_test)
    record = downstream_fairness(
        Z_train, y_train, Z_test, y_test, sensitive_features=s_test
    )
    bce = probe_bce(Z_test, s_test, Z_fit=Z_train, s_fit=s_train)
    return record["downstream_accuracy"], bce


@pytest.fixture(scope="module")
def reference(adult):
    """Accuracy and probe BCE of the task-only encoder (measured: 0.84, 0.58)."""
    return _evaluate(SupervisedEncoder(random_state=0), adult)


def test_reference_is_useful_and_leaks(reference):
    accuracy, bce = reference
    assert accuracy > 0.82
    assert 0.5 < bce < 0.63  # H(s) is 0.63 on the held-out part


@pytest.mark.parametrize("name", list(FAIR_MODELS))
def test_fair_model_is_useful_and_leaks_less_than_reference(name, adult, reference):
    make, accuracy_bar, gain = FAIR_MODELS[name]
    accuracy, bce = _evaluate(make(), adult)
    assert accuracy >= accuracy_bar
    assert bce >= reference[1] + gain


@pytest.mark.parametrize("name", list(LEAKY_MODELS))
def test_icvae_is_useful_but_leaks_more_than_reference(name, adult, reference):
    make, accuracy_bar, bce_floor = LEAKY_MODELS[name]
    accuracy, bce = _evaluate(make(), adult)
    assert accuracy >= accuracy_bar
    assert bce_floor <= bce < reference[1]
