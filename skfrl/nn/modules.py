"""Small PyTorch modules shared by the representation learners.

All of them are twice differentiable: the ENG attack differentiates the
gradient of a victim's training loss with respect to its input.
"""

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["MLP", "GaussianEncoder", "grad_reverse"]

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
}


def make_activation(name: str) -> nn.Module:
    """Return a fresh activation module by name (``relu``, ``tanh``, ...)."""
    try:
        return _ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"activation must be one of {sorted(_ACTIVATIONS)}; got {name!r}."
        ) from None


class MLP(nn.Sequential):
    """Fully connected network: ``Linear -> activation`` per hidden layer.

    Parameters
    ----------
    in_features : int
        Input width.
    hidden_layer_sizes : sequence of int
        Widths of the hidden layers; empty gives a single linear map.
    out_features : int
        Output width.
    activation : str, default="relu"
        Activation after each hidden layer.
    activate_output : bool, default=False
        Whether the activation is also applied to the output (CFair's encoder
        outputs a post-ReLU representation).
    """

    def __init__(
        self,
        in_features: int,
        hidden_layer_sizes: Sequence[int],
        out_features: int,
        *,
        activation: str = "relu",
        activate_output: bool = False,
    ):
        widths = [in_features, *hidden_layer_sizes, out_features]
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(widths) - 2 or activate_output:
                layers.append(make_activation(activation))
        super().__init__(*layers)


def grad_reverse(x: torch.Tensor, weight: float = 1.0) -> torch.Tensor:
    """Identity in the forward pass, gradient times ``-weight`` backwards.

    Written with ``detach`` instead of a custom autograd function so that it
    stays differentiable to any order; ``x.detach() - x`` is exactly zero, so
    the forward pass returns ``x`` bit for bit whatever ``weight`` is.
    """
    return x.detach() + weight * (x.detach() - x)


class GaussianEncoder(nn.Module):
    """MLP producing the mean and log-variance of a diagonal Gaussian q(z | x).

    Parameters
    ----------
    in_features : int
        Input width.
    hidden_layer_sizes : sequence of int
        Hidden widths of the shared trunk.
    n_components : int
        Dimension of z.
    activation : str, default="relu"
        Activation of the trunk.
    """

    def __init__(
        self,
        in_features: int,
        hidden_layer_sizes: Sequence[int],
        n_components: int,
        *,
        activation: str = "relu",
    ):
        super().__init__()
        self.net = MLP(
            in_features, hidden_layer_sizes, 2 * n_components, activation=activation
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the mean and the clamped log-variance, each (batch, n_components)."""
        mean, log_var = self.net(x).chunk(2, dim=1)  # (batch, n_components) each
        return mean, log_var.clamp(-10.0, 10.0)
