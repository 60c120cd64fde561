import pytest
import torch
from torch import nn

from skfrl.nn import MLP, GaussianEncoder, grad_reverse
from skfrl.nn.modules import make_activation


def _linear_layers(module):
    return [layer for layer in module if isinstance(layer, nn.Linear)]


@pytest.mark.parametrize("hidden", [(), (8,), (8, 4)])
def test_mlp_output_shape_and_layers(hidden):
    mlp = MLP(5, hidden, 3)
    assert mlp(torch.randn(10, 5)).shape == (10, 3)
    widths = [(layer.in_features, layer.out_features) for layer in _linear_layers(mlp)]
    assert widths == list(zip((5, *hidden), (*hidden, 3), strict=True))
    assert not isinstance(mlp[-1], nn.ReLU)  # the output is linear by default


def test_mlp_activate_output_applies_activation_to_the_output():
    torch.manual_seed(0)
    X = torch.randn(50, 5)
    assert (MLP(5, (8,), 3)(X) < 0).any()
    assert (MLP(5, (8,), 3, activate_output=True)(X) >= 0).all()


@pytest.mark.parametrize(
    "name, cls", [("relu", nn.ReLU), ("tanh", nn.Tanh), ("elu", nn.ELU)]
)
def test_mlp_activation_by_name(name, cls):
    mlp = MLP(3, (4, 4), 2, activation=name)
    assert sum(isinstance(layer, cls) for layer in mlp) == 2


def test_unknown_activation_is_a_value_error():
    with pytest.raises(ValueError, match="activation must be one of"):
        make_activation("swish")


@pytest.mark.parametrize("weight", [1.0, 0.5, 3.0])
def test_grad_reverse_is_identity_forward_and_negates_gradient(weight):
    x = torch.randn(4, 3, requires_grad=True)
    upstream = torch.randn(4, 3)
    out = grad_reverse(x, weight)
    assert torch.equal(out, x)
    (out * upstream).sum().backward()
    torch.testing.assert_close(x.grad, -weight * upstream)


def test_grad_reverse_is_twice_differentiable():
    x = torch.randn(5, requires_grad=True)
    (first,) = torch.autograd.grad(
        grad_reverse(x.pow(3), 2.0).sum(), x, create_graph=True
    )
    torch.testing.assert_close(first, -2.0 * 3 * x.pow(2))
    (second,) = torch.autograd.grad(first.sum(), x)
    torch.testing.assert_close(second, -2.0 * 6 * x.detach())


def test_gaussian_encoder_shapes_and_log_var_clamp():
    encoder = GaussianEncoder(6, (8,), 4)
    mean, log_var = encoder(torch.randn(7, 6))
    assert mean.shape == log_var.shape == (7, 4)
    with torch.no_grad():
        for layer in _linear_layers(encoder.net):
            layer.weight.mul_(1e4)
    _, log_var = encoder(torch.randn(7, 6))
    assert log_var.abs().max() == 10.0  # large values are clamped, not kept
