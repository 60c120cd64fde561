"""Leakage proxies and flat gradients."""

import pytest
import torch

from skfrl.nn import euclidean_score, flat_grad, fld_score, make_proxy, sfld_score


def _groups(shift, n=200, seed=0):
    generator = torch.Generator().manual_seed(seed)
    s = torch.arange(n) % 2
    Z = torch.randn(n, 3, generator=generator) + shift * s[:, None].float()
    return Z, s


@pytest.mark.parametrize(
    "name, function",
    [("fld", fld_score), ("sfld", sfld_score), ("euclidean", euclidean_score)],
)
def test_named_proxies_are_the_scores(name, function):
    assert make_proxy(name, None, None) is function


@pytest.mark.parametrize("name", ["fld", "sfld", "euclidean", "probe_bce"])
def test_every_proxy_is_larger_when_the_groups_separate(name):
    Z_clean, s = _groups(1.0)
    proxy = make_proxy(name, lambda: Z_clean, s)
    near, far = _groups(0.2)[0], _groups(2.0)[0]
    assert proxy(far, s).item() > proxy(near, s).item()


def test_the_probe_proxy_is_frozen_at_the_clean_representation():
    Z_clean, s = _groups(1.0)
    proxy = make_proxy("probe_bce", lambda: Z_clean, s)
    assert -0.7 < proxy(Z_clean, s).item() < 0  # minus a BCE better than chance
    # a refitted probe would separate the mirrored groups as well; the frozen
    # one scores them worse than chance
    assert proxy(-Z_clean, s).item() < -0.7
    Z = Z_clean.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(proxy(Z, s), Z)
    assert gradient.abs().sum() > 0


def test_unknown_proxy_names_the_choices():
    with pytest.raises(ValueError, match="proxy must be one of 'fld', 'sfld'"):
        make_proxy("mutual_info", None, None)


def test_flat_grad_concatenates_and_fills_unused_parameters_with_zeros():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.ones(2, 2, requires_grad=True)
    unused = torch.zeros(3, requires_grad=True)
    gradient = flat_grad((a.pow(2).sum() + 3 * b.sum()), [a, b, unused])
    torch.testing.assert_close(gradient, torch.tensor([2.0, 4.0, 3, 3, 3, 3, 0, 0, 0]))


def test_flat_grad_with_create_graph_is_differentiable():
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    w = torch.tensor([0.5, 0.5], requires_grad=True)
    gradient = flat_grad((w * x).pow(2).sum(), [w], create_graph=True)
    (second,) = torch.autograd.grad(gradient.sum(), x)
    # d/dx of sum_i 2 w_i x_i^2 is 4 w x
    torch.testing.assert_close(second, 4 * w.detach() * x.detach())
