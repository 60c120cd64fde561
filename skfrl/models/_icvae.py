"""ICVAE: invariant representations from a conditional VAE, no adversary."""

from functools import partial
from numbers import Real

import torch

from ..nn import ConditionalVAELoss, ConditionalVAENet
from ..utils._param_validation import Interval, StrOptions
from ._base import BaseTorchRepresentation
from ._docstrings import fill_docstring

__all__ = ["ICVAE"]


class ICVAE(BaseTorchRepresentation):
    r"""Invariant conditional VAE (Moyer et al. 2018): ICVAE-S and ICVAE-US.

    A Gaussian encoder q(z|x) and a decoder p(x|z, s) that is told ``s``, so
    ``z`` need not carry it; a pairwise-KL bound on I(z; x) penalises what
    ``z`` keeps anyway. ``supervised=True`` adds a task head on ``z``
    (ICVAE-S); ``supervised=False`` ignores ``y`` (ICVAE-US). ``transform``
    returns the posterior mean, or a sample of q(z|x), the representation
    the paper's invariance penalty acts on (``representation="sample"``):
    only the sample hides ``s`` from strong probes (see Notes).

    Parameters
    ----------
    n_components : int, default=8
        Dimension of ``z``. The invariance penalty acts on sampled ``z``, but
        ``transform`` returns the posterior mean, which keeps whatever the
        penalty lets through at small scale; a narrow ``z`` leaves less room
        for it. On Adult, 8 dimensions hide ``s`` (probe BCE 0.610 for
        ICVAE-S, 0.606 for ICVAE-US, against 0.577 for a task-trained
        encoder of the same width) where 16 leak it (0.41 and 0.39; see the
        user guide's limitations).
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Hidden widths of the encoder; the decoder mirrors them.
    supervised : bool, default=True
        Whether a task head is trained on ``z`` (ICVAE-S) or not (ICVAE-US).
    fairness_weight : float, default=1.0
        λ, weight of the invariance terms.
    kl_weight : float, default=1.0
        β, weight of the KL divergence to the N(0, I) prior.
    task_weight : float, default=1.0
        α, weight of the task cross-entropy (ICVAE-S only).
    representation : {"mean", "sample"}, default="mean"
        What ``transform`` returns: the posterior mean of q(z|x), or one
        sample of it. Samples are drawn from a generator seeded by the fitted
        model, afresh at each call, so one fitted model gives one ``Z`` for
        one ``X``. Training, and the differentiable protocol that attacks
        use, are the same either way.
    {training_parameters}

    Attributes
    ----------
    {classes_attribute}
        Only with ``supervised=True``.
    {fitted_attributes}

    See Also
    --------
    CFair : Adversarial, class-conditional alternative.

    Notes
    -----
    With reconstruction error :math:`\mathrm{rec} = -\log p(x \mid z, s)` (a
    unit Gaussian), the loss is

    .. math:: (1+\lambda)\,\mathrm{rec} + \beta\,\mathrm{KL}(q(z|x)\,\|\,N(0,I))
              + \lambda \frac{1}{B^2}\sum_{i,k}\mathrm{KL}(q(z|x_i)\,\|\,q(z|x_k))
              + \alpha\,\mathrm{CE}(y \mid z)

    where the last term is present for ICVAE-S only and the pairwise term is
    dropped when fitting without ``s``.

    **Fair to a strong probe?** Not with the posterior mean. On Adult (3
    seeds, ``benchmarks/README.md``) ICVAE-S's mean scores probe BCE 0.610
    to the linear probe but 0.378 to ``"mlp"`` and 0.336 to ``"hgb"`` (H(s) =
    0.631): more leakage than a task-only encoder of the same widths. With
    ``representation="sample"`` it is fair to all three (0.624, 0.616,
    0.607) at a cost in downstream accuracy (0.78 against 0.81).

    References
    ----------
    Moyer, Gao, Brekelmans, Galstyan and Ver Steeg, "Invariant Representations
    without Adversarial Training", NeurIPS 2018.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import ICVAE
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> frl = ICVAE(supervised=False, max_epochs=2, random_state=0)
    >>> frl.fit(X, sensitive_features=s).transform(X).shape
    (200, 8)
    """

    _parameter_constraints: dict = {
        **BaseTorchRepresentation._parameter_constraints,
        "supervised": ["boolean"],
        "fairness_weight": [Interval(Real, 0, None, closed="left")],
        "kl_weight": [Interval(Real, 0, None, closed="left")],
        "task_weight": [Interval(Real, 0, None, closed="left")],
        "representation": [StrOptions({"mean", "sample"})],
    }

    def __init__(
        self,
        n_components=8,
        *,
        hidden_layer_sizes=(64, 64),
        supervised=True,
        fairness_weight=1.0,
        kl_weight=1.0,
        task_weight=1.0,
        representation="mean",
        activation="relu",
        max_epochs=30,
        batch_size=256,
        lr=1e-3,
        optimizer="adam",
        device="cpu",
        callbacks=None,
        validation_fraction=None,
        sensitive_feature_ids=None,
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.supervised = supervised
        self.fairness_weight = fairness_weight
        self.kl_weight = kl_weight
        self.task_weight = task_weight
        self.representation = representation
        self.activation = activation
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.device = device
        self.callbacks = callbacks
        self.validation_fraction = validation_fraction
        self.sensitive_feature_ids = sensitive_feature_ids
        self.verbose = verbose
        self.random_state = random_state

    _stochastic_encoder = True

    @property
    def _requires_y(self):
        return self.supervised

    def _build_module(self, n_features, n_classes):
        # Drawn inside the forked, seeded torch RNG of ``_initialize``.
        noise_seed = int(torch.randint(2**31 - 1, ()))
        return ConditionalVAENet(
            n_features=n_features,
            n_components=self.n_components,
            n_classes=n_classes,
            hidden_layer_sizes=self.hidden_layer_sizes,
            activation=self.activation,
            seed=noise_seed,
        )

    def _transform_encoder(self):
        module = self.net_.module_
        if self.representation == "mean":
            return module.encode
        device = next(module.parameters()).device
        # a fresh generator per call: transform(X) twice gives one Z
        generator = torch.Generator(device=device).manual_seed(module.seed + 1)
        return partial(module.sample, generator=generator)

    def _build_criterion(self, n_classes):
        return ConditionalVAELoss(
            fairness_weight=self.fairness_weight,
            kl_weight=self.kl_weight,
            task_weight=self.task_weight,
        )


fill_docstring(ICVAE, max_epochs=30, batch_size=256, lr=1e-3, optimizer="adam")
