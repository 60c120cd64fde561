"""SupervisedEncoder: the unfair reference, an encoder trained on the task only."""

from ..nn import AdversarialLoss, AdversarialNet
from ._base import PRIVACY_CONSTRAINTS, BaseTorchRepresentation
from ._docstrings import fill_docstring

__all__ = ["SupervisedEncoder"]


class SupervisedEncoder(BaseTorchRepresentation):
    """Encoder trained for the task alone: the reference without fairness.

    The same encoder and task head as :class:`AdvFRL`, with no adversary.
    Its representation shows how much information about ``s`` a task-trained
    network keeps, which is what the fair models are measured against.
    ``sensitive_features`` is accepted (so pipelines can route it) and ignored.

    Parameters
    ----------
    n_components : int, default=8
        Width of the representation ``Z``.
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Hidden widths of the encoder.
    {privacy_parameters}
    {training_parameters}

    Attributes
    ----------
    {classes_attribute}
    {fitted_attributes}

    See Also
    --------
    AdvFRL : The same network with an adversary hiding ``s``.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import SupervisedEncoder
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> SupervisedEncoder(max_epochs=2, random_state=0).fit_transform(X, y).shape
    (200, 8)
    """

    _uses_sensitive_features = False
    _parameter_constraints: dict = {
        **BaseTorchRepresentation._parameter_constraints,
        **PRIVACY_CONSTRAINTS,
    }

    def __init__(
        self,
        n_components=8,
        *,
        hidden_layer_sizes=(64, 64),
        activation="relu",
        max_epochs=30,
        batch_size=256,
        lr=1e-3,
        optimizer="adam",
        device="cpu",
        callbacks=None,
        validation_fraction=None,
        per_sample_clip_norm=None,
        noise_multiplier=0.0,
        sensitive_feature_ids=None,
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.device = device
        self.callbacks = callbacks
        self.validation_fraction = validation_fraction
        self.per_sample_clip_norm = per_sample_clip_norm
        self.noise_multiplier = noise_multiplier
        self.sensitive_feature_ids = sensitive_feature_ids
        self.verbose = verbose
        self.random_state = random_state

    def _build_module(self, n_features, n_classes):
        return AdversarialNet(
            n_features=n_features,
            n_components=self.n_components,
            n_classes=n_classes,
            hidden_layer_sizes=self.hidden_layer_sizes,
            adversary_layer_sizes=(),
            n_adversaries=0,
            activation=self.activation,
            activate_output=False,
        )

    def _build_criterion(self, n_classes):
        return AdversarialLoss(
            n_classes=n_classes,
            fairness_weight=0.0,
            balanced_task=False,
            conditioning="none",
        )


fill_docstring(
    SupervisedEncoder, max_epochs=30, batch_size=256, lr=1e-3, optimizer="adam"
)
