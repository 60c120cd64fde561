import numpy as np
import pytest
import torch

from skfrl.defences import (
    GradientNormSanitiser,
    SpectralSignatureSanitiser,
    projected_sample_gradients,
    spectral_scores,
)
from skfrl.metrics import detection_auc


def test_projected_gradients_preserve_the_gradients_geometry(planted_data, tiny_victim):
    X, y, s, _ = planted_data
    G = projected_sample_gradients(tiny_victim, X[:20], y[:20], s[:20], 512, seed=0)
    assert G.shape == (20, 512) and np.isfinite(G).all()
    params = tiny_victim.encoder_parameters()
    exact = []
    for i in range(20):
        loss = tiny_victim.training_loss(X[i : i + 1], y[i : i + 1], s[i : i + 1])
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        exact.append(torch.cat([g.flatten() for g in grads if g is not None]).numpy())
    norms = np.linalg.norm(exact, axis=1)
    # Johnson-Lindenstrauss: norms kept within a few percent at width 512
    np.testing.assert_allclose(np.linalg.norm(G, axis=1), norms, rtol=0.2)
    again = projected_sample_gradients(tiny_victim, X[:20], y[:20], s[:20], 512, seed=0)
    np.testing.assert_array_equal(G, again)


def test_a_planted_mean_shift_lies_on_the_top_singular_direction():
    # Tran et al.'s setting: 5 % of the rows share an offset the others lack
    rng = np.random.default_rng(0)
    G = rng.normal(size=(400, 30))
    planted = np.arange(400) % 20 == 0
    G[planted] += 8.0 * np.eye(30)[3]
    cells = np.arange(400) % 2
    scores = spectral_scores(G, cells)
    in_cell = cells == 0  # every planted row is in cell 0
    assert detection_auc(planted[in_cell], scores[in_cell]) > 0.99
    assert detection_auc(planted, scores) > 0.95  # cell 1's own tail mixes in
    for cell in (0, 1):
        assert scores[cells == cell].mean() == pytest.approx(1.0)
    assert spectral_scores(G[:1], cells[:1]).tolist() == [0.0]


def test_the_sanitiser_scores_the_victims_projected_gradients(
    planted_data, tiny_victim
):
    X, y, s, _ = planted_data
    spectral = SpectralSignatureSanitiser(
        tiny_victim, prefit=True, n_projections=32, random_state=0
    ).fit(X, y, s)
    G = projected_sample_gradients(
        tiny_victim,
        X,
        y,
        s,
        32,
        seed=np.random.RandomState(0).randint(np.iinfo(np.int32).max),
    )
    np.testing.assert_allclose(spectral.decision_scores_, spectral_scores(G, y))


def test_a_victim_without_the_protocol_is_a_type_error(planted_data):
    from sklearn.decomposition import PCA

    class _PCA(PCA):
        def fit(self, X, y=None, sensitive_features=None):
            return super().fit(X)

    X, y, s, _ = planted_data
    with pytest.raises(TypeError, match="encoder_parameters"):
        SpectralSignatureSanitiser(_PCA(2)).fit(X, y, s)


def test_labels_the_victim_never_saw_are_refused(planted_data, tiny_victim):
    X, y, s, _ = planted_data
    with pytest.raises(ValueError, match="y has 3 classes but estimator"):
        SpectralSignatureSanitiser(tiny_victim, prefit=True).fit(
            X, np.arange(220) % 3, s
        )


def test_gradient_norms_are_scored_relative_to_the_class_median(
    planted_data, tiny_victim
):
    X, y, s, mask = planted_data
    norms = GradientNormSanitiser(
        tiny_victim, prefit=True, n_projections=64, random_state=0
    ).fit(X, y, s)
    G = projected_sample_gradients(
        tiny_victim, X, y, s, 64, seed=np.random.RandomState(0).randint(2**31 - 1)
    )
    raw = np.linalg.norm(G, axis=1)
    for label in (0, 1):
        rows = y == label
        np.testing.assert_allclose(
            norms.decision_scores_[rows], raw[rows] / np.median(raw[rows])
        )
        assert np.median(norms.decision_scores_[rows]) == pytest.approx(1.0)
    # the planted rows, far outside the training data, pull harder on average
    scores = norms.decision_scores_
    assert scores[mask].mean() > 1.2 * scores[~mask].mean()
