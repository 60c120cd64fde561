"""What every attack shares: the ``craft`` contract and small helpers."""

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

__all__ = [
    "PROTOCOLS",
    "BaseAttack",
    "Poisons",
    "check_finite_poisons",
    "project_poisons",
    "sample_base_indices",
]

#: Threat models a poisoner crafts for: the victim continues θ0 on the
#: poisoned data (``"finetune"``), retrains from a fresh initialisation
#: (``"retrain"``), or retrains from θ0's initial weights, i.e. with θ0's
#: ``random_state`` (``"retrain_same_init"``).
PROTOCOLS = ("finetune", "retrain", "retrain_same_init")


@dataclass(frozen=True)
class Poisons:
    """The rows an attack appends to the training set.

    Attributes
    ----------
    X : ndarray of shape (n_poison, n_features), float32
        Poison features.
    y : ndarray of shape (n_poison,)
        Poison task labels, in the label space of the training ``y``.
    s : ndarray of shape (n_poison,), int
        Poison group codes (0/1).
    base_indices : ndarray of shape (n_poison,), int
        The training row each poison was copied or crafted from.
    """

    X: np.ndarray
    y: np.ndarray
    s: np.ndarray
    base_indices: np.ndarray


class BaseAttack(BaseEstimator, metaclass=ABCMeta):
    """Hyperparameters of a poisoning strategy and its one method, ``craft``.

    Attacks are run by :class:`~skfrl.attacks.FairRepresentationPoisoner`,
    which clones them into ``attack_``; fitted diagnostics (such as ENG's
    ``history_``) are set on that clone.
    """

    #: Whether ``craft`` differentiates through the victim (white box).
    needs_gradients = False

    @abstractmethod
    def craft(self, victim, X, y, s, n_poison, rng, **context):
        """Return the :class:`Poisons` to append.

        Parameters
        ----------
        victim : estimator
            The clean victim, fitted on ``(X, y, s)``.
        X : ndarray of shape (n_samples, n_features), float32
            Validated training features.
        y : ndarray of shape (n_samples,)
            Task labels.
        s : ndarray of shape (n_samples,), int
            Group codes 0/1.
        n_poison : int
            Number of poisons to craft.
        rng : numpy.random.RandomState
            The poisoner's generator; the only source of randomness.
        **context : dict
            ``X_target``, ``s_target`` (the attacker's target set, ``s``
            as codes), ``protocol`` (one of :data:`PROTOCOLS`),
            ``groups`` (the labels of the group codes, which ``fit`` and
            ``partial_fit`` take when an attack trains copies of the
            victim; :meth:`~skfrl.base.DifferentiableEncoder.training_loss`
            takes the codes themselves), ``feature_domain`` (the
            :class:`~skfrl.utils.FeatureDomain` the poisons must lie in, or
            None; see :func:`project_poisons`) and ``progress`` (the
            poisoner's tqdm bar, disabled when it is not shown: a long
            attack may ``reset(total=...)`` it and ``update()`` it).

        Returns
        -------
        poisons : Poisons
            The rows to append.
        """


def sample_base_indices(n_samples, n_poison, rng):
    """Draw the training rows poisons start from, without replacement if possible."""
    return rng.choice(n_samples, size=n_poison, replace=n_poison > n_samples)


def check_finite_poisons(X_poison, attack):
    """Raise a FloatingPointError naming ``attack`` if ``X_poison`` is not finite.

    Parameters
    ----------
    X_poison : ndarray of shape (n_poison, n_features)
        Crafted (or partly crafted) features.
    attack : BaseAttack
        The attack that crafted them, named in the message.
    """
    if not np.isfinite(X_poison).all():
        raise FloatingPointError(
            f"{type(attack).__name__} crafted non-finite poisons (its "
            "gradients overflowed: X has huge values); standardise X, e.g. "
            "with a StandardScaler."
        )


def project_poisons(X_poison, context):
    """Project poisons onto the poisoner's feature domain, if it gave one.

    Parameters
    ----------
    X_poison : ndarray of shape (n_poison, n_features)
        Crafted features.
    context : dict
        The ``**context`` of :meth:`BaseAttack.craft`; its
        ``feature_domain`` (a :class:`~skfrl.utils.FeatureDomain` or None)
        says which rows are records.

    Returns
    -------
    X_poison : ndarray of shape (n_poison, n_features), dtype of the input
    """
    domain = context.get("feature_domain")
    if domain is None:
        return X_poison
    return domain.project(X_poison).astype(X_poison.dtype)
