"""Quality on Adult: every fair model is useful and leaks less than its reference.

Adult is split 80/20 stratified by s and standardised on the training part.
A model is useful when a logistic regression on its Z reaches the accuracy
bar on the held-out part, and fair when a logistic probe of s, fitted on the
training Z, has a held-out BCE clearly above that of its reference: a
``SupervisedEncoder`` with the same ``n_components`` and
``hidden_layer_sizes``, the same MLP without a fairness term (the protocol of
``benchmarks/bench_models.py``). The thresholds leave a margin below the
values measured there at seed 0 (see benchmarks/README.md).
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

# name: (model with its defaults, accuracy bar, required BCE gain over the
# reference). Measured at seed 0 (accuracy, BCE, reference BCE): CFair 0.844,
# 0.537, 0.411; CFair-EO 0.846, 0.522, 0.411; AdvFRL 0.850, 0.623, 0.580;
# ICVAE-S 0.801, 0.606, 0.580; ICVAE-US 0.800, 0.601, 0.580. ICVAE trades
# accuracy for fairness: it sits at the 0.80 bar (0.81 over 3 seeds).
FAIR_MODELS = {
    "cfair": (lambda: CFair(random_state=0), 0.82, 0.05),
    "cfair_eo": (lambda: CFair(class_weight=None, random_state=0), 0.82, 0.05),
    "advfrl": (lambda: AdvFRL(random_state=0), 0.82, 0.02),
    "icvae_s": (lambda: ICVAE(random_state=0), 0.79, 0.01),
    "icvae_us": (lambda: ICVAE(supervised=False, random_state=0), 0.79, 0.01),
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
def reference_bce(adult):
    """The held-out probe BCE of the task-only reference, by encoder widths."""
    cache = {}

    def bce_of_reference(model):
        widths = (model.n_components, tuple(model.hidden_layer_sizes))
        if widths not in cache:
            reference = SupervisedEncoder(
                n_components=widths[0], hidden_layer_sizes=widths[1], random_state=0
            )
            cache[widths] = _evaluate(reference, adult)[1]
        return cache[widths]

    return bce_of_reference


def test_default_reference_is_useful_and_leaks(adult):
    accuracy, bce = _evaluate(SupervisedEncoder(random_state=0), adult)
    assert accuracy > 0.82
    assert 0.5 < bce < 0.63  # H(s) is 0.63 on the held-out part


@pytest.mark.parametrize("name", list(FAIR_MODELS))
def test_fair_model_is_useful_and_leaks_less_than_its_reference(
    name, adult, reference_bce
):
    make, accuracy_bar, gain = FAIR_MODELS[name]
    model = make()
    accuracy, bce = _evaluate(model, adult)
    assert accuracy >= accuracy_bar
    assert bce >= reference_bce(model) + gain
