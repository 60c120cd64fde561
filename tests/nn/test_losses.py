import numpy as np
import pytest
import torch
from torch.distributions import Independent, Normal, kl_divergence

from skfrl.metrics import fld_score as fld_score_numpy
from skfrl.nn import (
    balanced_class_weights,
    euclidean_score,
    fld_score,
    gaussian_kl_standard_normal,
    pairwise_gaussian_kl,
    sfld_score,
)


def _groups(n0, n1, d=3, shift=1.0, seed=0):
    generator = torch.Generator().manual_seed(seed)
    Z = torch.randn(n0 + n1, d, generator=generator, dtype=torch.float64)
    s = torch.cat([torch.zeros(n0, dtype=torch.long), torch.ones(n1, dtype=torch.long)])
    Z[s == 1] += shift * torch.linspace(1.0, 0.2, d, dtype=torch.float64)
    if d > 1:
        Z[:, 0] += 0.5 * Z[:, 1]  # correlated columns, so FLD differs from sFLD
    return Z, s


def test_balanced_class_weights_are_inverse_frequencies():
    weights = balanced_class_weights(torch.tensor([0, 0, 0, 1]), 2)
    torch.testing.assert_close(weights, torch.tensor([4 / 3, 4.0]))


def test_balanced_class_weights_give_each_class_equal_total_weight():
    labels = torch.tensor([0, 1, 1, 2, 2, 2, 2])
    weights = balanced_class_weights(labels, 3)
    totals = torch.bincount(labels, weights=weights[labels])
    torch.testing.assert_close(totals, torch.full((3,), totals[0].item()))


def test_balanced_class_weights_of_absent_class_is_zero():
    weights = balanced_class_weights(torch.tensor([0, 0, 2]), 3)
    assert weights[1] == 0 and (weights[[0, 2]] > 0).all()


@pytest.mark.parametrize("n0, n1", [(50, 50), (30, 70)])
def test_fld_score_matches_numpy_metric(n0, n1):
    # both divide each group's scatter by its n - 1
    Z, s = _groups(n0, n1)
    expected = fld_score_numpy(Z.numpy(), s.numpy())
    assert fld_score(Z, s).item() == pytest.approx(expected, rel=1e-5)


def test_fld_score_matches_numpy_metric_on_large_samples():
    Z, s = _groups(3000, 1000, d=4)
    expected = fld_score_numpy(Z.numpy(), s.numpy())
    assert fld_score(Z, s).item() == pytest.approx(expected, rel=2e-3)


def test_fld_score_grows_with_group_separation():
    scores = [fld_score(*_groups(200, 200, shift=shift)).item() for shift in (0, 1, 2)]
    assert scores[0] < 0.1 < scores[1] < scores[2]


def test_sfld_equals_fld_in_one_dimension():
    Z, s = _groups(40, 60, d=1)
    torch.testing.assert_close(sfld_score(Z, s), fld_score(Z, s))


def test_sfld_ignores_correlations_that_fld_uses():
    Z, s = _groups(200, 200)
    assert sfld_score(Z, s).item() != pytest.approx(fld_score(Z, s).item(), rel=1e-3)
    assert sfld_score(Z, s) > 0


def test_sfld_without_ridge_is_invariant_to_per_column_scaling():
    Z, s = _groups(100, 100)
    scale = torch.tensor([1.0, 10.0, 0.1], dtype=torch.float64)
    torch.testing.assert_close(
        sfld_score(Z * scale, s, ridge=0.0), sfld_score(Z, s, ridge=0.0)
    )


def test_euclidean_score_is_squared_distance_of_group_means():
    Z = torch.tensor([[0.0, 0.0], [2.0, 0.0], [1.0, 3.0], [1.0, 5.0]])
    s = torch.tensor([0, 0, 1, 1])
    assert euclidean_score(Z, s).item() == pytest.approx(0.0**2 + 4.0**2)
    assert euclidean_score(Z + 7.0, s).item() == pytest.approx(16.0)


def test_leakage_scores_are_differentiable():
    Z, s = _groups(30, 30)
    Z.requires_grad_(True)
    for score in (fld_score, sfld_score, euclidean_score):
        (grad,) = torch.autograd.grad(score(Z, s), Z)
        assert torch.isfinite(grad).all() and grad.abs().sum() > 0


def _gaussians(batch=5, d=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    mean = torch.randn(batch, d, generator=generator, dtype=torch.float64)
    log_var = 0.5 * torch.randn(batch, d, generator=generator, dtype=torch.float64)
    return mean, log_var


def _diagonal_normal(mean, log_var):
    return Independent(Normal(mean, torch.exp(0.5 * log_var)), 1)


def test_gaussian_kl_standard_normal_closed_form():
    mean, log_var = _gaussians()
    prior = _diagonal_normal(torch.zeros_like(mean), torch.zeros_like(log_var))
    expected = kl_divergence(_diagonal_normal(mean, log_var), prior)
    torch.testing.assert_close(gaussian_kl_standard_normal(mean, log_var), expected)
    zero = gaussian_kl_standard_normal(torch.zeros(2, 3), torch.zeros(2, 3))
    torch.testing.assert_close(zero, torch.zeros(2))


def test_pairwise_gaussian_kl_equals_double_loop():
    mean, log_var = _gaussians(batch=6)
    q = [_diagonal_normal(mean[i], log_var[i]) for i in range(6)]
    brute = np.mean([[kl_divergence(qi, qk).item() for qk in q] for qi in q])
    assert pairwise_gaussian_kl(mean, log_var).item() == pytest.approx(brute, rel=1e-9)


def test_pairwise_gaussian_kl_is_zero_only_for_identical_gaussians():
    mean, log_var = _gaussians(batch=1)
    same = pairwise_gaussian_kl(mean.repeat(4, 1), log_var.repeat(4, 1))
    assert same.item() == pytest.approx(0.0, abs=1e-12)
    assert pairwise_gaussian_kl(*_gaussians(batch=4)) > 0
