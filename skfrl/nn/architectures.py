"""The two network shapes behind skfrl's models.

``AdversarialNet``: encoder, task head and adversaries behind a gradient
reversal layer (LAFTR-style AdvFRL, CFair, and the unfair reference with no
adversary). ``ConditionalVAENet``: the invariant conditional VAE of ICVAE.
Every module exposes ``encode(X)``, the representation ``Z``, and
``forward(X, s=None)``, the outputs its criterion reads.
"""

from collections.abc import Sequence

import torch
from torch import nn

from .modules import MLP, GaussianEncoder, grad_reverse

__all__ = ["AdversarialNet", "ConditionalVAENet"]


class AdversarialNet(nn.Module):
    """Encoder with a task head and ``n_adversaries`` adversaries predicting s.

    The adversaries see ``Z`` through a gradient reversal layer, so one
    backward pass trains them to predict s and the encoder to hide it.

    Parameters
    ----------
    n_features, n_components, n_classes : int
        Input width, representation width and number of task classes
        (0 for no task head).
    hidden_layer_sizes, adversary_layer_sizes : sequence of int
        Hidden widths of the encoder and of each adversary.
    n_adversaries : int
        Number of adversaries (CFair: one per class; 0 for none).
    activation : str
        Hidden activation.
    activate_output : bool
        Whether ``Z`` is post-activation (CFair's representation is post-ReLU).
    """

    def __init__(
        self,
        *,
        n_features: int,
        n_components: int,
        n_classes: int,
        hidden_layer_sizes: Sequence[int],
        adversary_layer_sizes: Sequence[int],
        n_adversaries: int,
        activation: str,
        activate_output: bool,
    ):
        super().__init__()
        self.encoder = MLP(
            n_features,
            hidden_layer_sizes,
            n_components,
            activation=activation,
            activate_output=activate_output,
        )
        self.classifier = nn.Linear(n_components, n_classes) if n_classes else None
        self.adversaries = nn.ModuleList(
            MLP(n_components, adversary_layer_sizes, 2, activation=activation)
            for _ in range(n_adversaries)
        )

    def encode(self, X: torch.Tensor) -> torch.Tensor:
        """Return the representation ``Z``, shape (batch, n_components)."""
        return self.encoder(X)

    @staticmethod
    def task_logits(outputs):
        """Return the task head's logits from the outputs of ``forward``."""
        return outputs[0]

    def forward(self, X: torch.Tensor, s: torch.Tensor | None = None):
        """Return ``(task_logits, adversary_logits)``.

        ``adversary_logits`` has shape (n_adversaries, batch, 2), or is None
        without s or adversaries.
        """
        Z = self.encoder(X)
        logits = None if self.classifier is None else self.classifier(Z)
        if s is None or len(self.adversaries) == 0:
            return logits, None
        Z_reversed = grad_reverse(Z)
        return logits, torch.stack([adv(Z_reversed) for adv in self.adversaries])


class ConditionalVAENet(nn.Module):
    """Gaussian encoder q(z|x), decoder p(x|z, s) and an optional task head.

    In training mode ``z`` is a reparameterised sample drawn from a private
    generator (seeded by ``seed``), otherwise the posterior mean; ``forward``
    also takes the sample's standard normal draws.

    Parameters
    ----------
    n_features, n_components, n_classes : int
        Input width, latent width and task classes (0: unsupervised).
    hidden_layer_sizes : sequence of int
        Hidden widths of the encoder; the decoder mirrors them.
    activation : str
        Hidden activation.
    seed : int
        Seed of the noise generator.
    """

    def __init__(
        self,
        *,
        n_features: int,
        n_components: int,
        n_classes: int,
        hidden_layer_sizes: Sequence[int],
        activation: str,
        seed: int,
    ):
        super().__init__()
        self.encoder = GaussianEncoder(
            n_features, hidden_layer_sizes, n_components, activation=activation
        )
        self.decoder = MLP(
            n_components + 1,
            tuple(reversed(hidden_layer_sizes)),
            n_features,
            activation=activation,
        )
        self.classifier = nn.Linear(n_components, n_classes) if n_classes else None
        self.seed = seed
        self._generator = None

    def encode(self, X: torch.Tensor) -> torch.Tensor:
        """Return the posterior mean, shape (batch, n_components)."""
        return self.encoder(X)[0]

    def sample(self, X: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Return a sample of q(z|x) drawn from ``generator``, (batch, n_components)."""
        mean, log_var = self.encoder(X)
        noise = torch.randn(
            mean.shape, generator=generator, device=mean.device, dtype=mean.dtype
        )
        return mean + torch.exp(0.5 * log_var) * noise

    def _noise_like(self, mean: torch.Tensor) -> torch.Tensor:
        if self._generator is None or self._generator.device != mean.device:
            self._generator = torch.Generator(device=mean.device).manual_seed(self.seed)
        return torch.randn(
            mean.shape, generator=self._generator, device=mean.device, dtype=mean.dtype
        )

    @staticmethod
    def task_logits(outputs):
        """Return the task head's logits from the outputs of ``forward``."""
        return outputs[4]

    def forward(
        self,
        X: torch.Tensor,
        s: torch.Tensor | None = None,
        noise: torch.Tensor | None = None,
    ):
        """Return ``(X, reconstruction, mean, log_var, task_logits)``.

        ``z`` is ``mean + σ · noise`` if ``noise`` (standard normal draws of
        shape (batch, n_components)) is given, whatever the mode.
        """
        mean, log_var = self.encoder(X)
        Z = mean
        if noise is None and self.training:
            noise = self._noise_like(mean)
        if noise is not None:
            Z = mean + torch.exp(0.5 * log_var) * noise
        s_column = (
            torch.zeros_like(Z[:, :1]) if s is None else s.to(Z.dtype).unsqueeze(1)
        )
        reconstruction = self.decoder(torch.cat([Z, s_column], dim=1))
        logits = None if self.classifier is None else self.classifier(Z)
        return X, reconstruction, mean, log_var, logits
