"""The training history display: the loss and its terms per epoch."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skfrl.models import ICVAE, CFair, TrainingHistoryDisplay

TINY = dict(max_epochs=4, hidden_layer_sizes=(8,), batch_size=64, random_state=0)


@pytest.fixture
def pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_cfair_terms_add_up_to_its_loss(pyplot, biased_data):
    X, y, s = biased_data
    model = CFair(fairness_weight=3.0, validation_fraction=0.25, **TINY)
    model.fit(X, y, sensitive_features=s)
    display = TrainingHistoryDisplay.from_estimator(model)
    assert display.panels() == ["loss", "task", "adversary"]
    history = display.history
    assert list(history.index) == [1, 2, 3, 4]
    for split in ("train", "valid"):
        total = history[f"{split}_task"] + 3.0 * history[f"{split}_adversary"]
        np.testing.assert_allclose(history[f"{split}_loss"], total, rtol=1e-5)
    assert display.axes_.shape == (3,)
    assert [line.get_label() for line in display.axes_[0].lines] == ["train", "valid"]


def test_icvae_shows_its_four_terms(pyplot, biased_data):
    X, y, s = biased_data
    model = ICVAE(**TINY).fit(X, y, sensitive_features=s)
    display = TrainingHistoryDisplay.from_estimator(model)
    assert display.panels() == [
        "loss",
        "reconstruction",
        "prior_kl",
        "pairwise_kl",
        "task",
    ]
    assert display.history.notna().all().all()


def test_bad_axes_and_unfitted_models_are_rejected(pyplot, biased_data):
    X, y, s = biased_data
    with pytest.raises(NotFittedError):
        TrainingHistoryDisplay.from_estimator(CFair())
    model = CFair(**TINY).fit(X, y, sensitive_features=s)
    _, axes = pyplot.subplots(1, 2)
    with pytest.raises(ValueError, match="ax has 2 axes but the history has 3"):
        TrainingHistoryDisplay.from_estimator(model, ax=axes)
