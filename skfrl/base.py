"""What models and attacks share: the victim protocol and the poisoner base.

A *victim* is any scikit-learn transformer trained with
``fit(X, y, sensitive_features=s)``. Black-box attacks need nothing more.
White-box attacks such as ENG also need the :class:`DifferentiableEncoder`
protocol below; the fine-tuning threat model also needs ``partial_fit``.
"""

from typing import Protocol, runtime_checkable

__all__ = [
    "DifferentiableEncoder",
    "check_differentiable_encoder",
]

_PROTOCOL_METHODS = ("encoder_parameters", "encode_tensor", "training_loss")


@runtime_checkable
class DifferentiableEncoder(Protocol):
    """A fitted representation learner an attacker can differentiate through.

    Implement these three methods on a fitted transformer to make it a victim
    of white-box attacks. Tensors are float32 on the model's device; none of
    the methods steps an optimizer or changes fitted state.

    ``encoder_parameters()``
        The list of ``torch.nn.Parameter`` that shape ``Z`` (the encoder θ).
    ``encode_tensor(X)``
        ``Z = f_θ(X)`` as a differentiable tensor of shape
        ``(n_samples, n_components)``; ``X`` is a float32 tensor or array.
    ``training_loss(X, y, s)``
        The scalar the victim's ``fit`` minimises on the samples ``(X, y, s)``
        (task and fairness terms, as a mean over samples), built from the
        same code as training so that its gradient is the one training
        applies. ``y`` and ``s`` are labels as passed to ``fit``.

    The fine-tuning threat model additionally calls
    ``partial_fit(X, y, sensitive_features=s)``, one more epoch from the
    current state.
    """

    def encoder_parameters(self):
        """Return the parameters θ that shape the representation."""

    def encode_tensor(self, X):
        """Return the differentiable representation of ``X``."""

    def training_loss(self, X, y, s):
        """Return the victim's scalar training loss on ``(X, y, s)``."""


def check_differentiable_encoder(estimator, *, attack_name="this attack"):
    """Raise a ``TypeError`` naming what ``estimator`` lacks of the protocol.

    Parameters
    ----------
    estimator : object
        The victim to check.
    attack_name : str, default="this attack"
        Used in the message, e.g. ``"attack='eng'"``.

    Raises
    ------
    TypeError
        If a method of :class:`DifferentiableEncoder` is missing.
    """
    missing = [m for m in _PROTOCOL_METHODS if not callable(getattr(estimator, m, None))]
    if missing:
        raise TypeError(
            f"{attack_name} needs {', '.join(missing)}, which "
            f"{type(estimator).__name__} lacks (see skfrl.base.DifferentiableEncoder); "
            "use a black-box attack such as attack='raa' or 'duplicate' instead."
        )
