"""The string aliases of ``FairRepresentationPoisoner(attack=...)``."""

from sklearn.base import clone

from ._anchoring import AnchoringAttack
from ._copies import DuplicateAttack, SensitiveFlipAttack
from ._eng import ENGAttack
from ._label_flip import LabelFlipAttack
from ._random import RandomPerturbationAttack

__all__ = ["ATTACK_NAMES", "make_attack", "resolve_attack"]

# alias -> (attack class, constructor arguments)
_ALIASES = {
    "eng": (ENGAttack, {}),
    "raa": (AnchoringAttack, {"strategy": "random"}),
    "nraa": (AnchoringAttack, {"strategy": "non-random"}),
    "label_flip": (LabelFlipAttack, {}),
    "sensitive_flip": (SensitiveFlipAttack, {}),
    "random": (RandomPerturbationAttack, {}),
    "duplicate": (DuplicateAttack, {}),
}

#: The aliases ``FairRepresentationPoisoner(attack=...)`` accepts.
ATTACK_NAMES = tuple(_ALIASES)


def make_attack(name, **params):
    """Return a new attack object for an alias, with ``params`` set.

    Parameters
    ----------
    name : str
        One of :data:`ATTACK_NAMES`: ``"eng"``, ``"raa"``, ``"nraa"``,
        ``"label_flip"``, ``"sensitive_flip"``, ``"random"``,
        ``"duplicate"``.
    **params : dict
        Hyperparameters of the attack, e.g. ``max_iter=50`` for ``"eng"``.

    Returns
    -------
    attack : BaseAttack
        An unfitted attack; its parameters are validated when it crafts.

    Examples
    --------
    >>> from skfrl.attacks import make_attack
    >>> make_attack("nraa")
    AnchoringAttack(strategy='non-random')
    """
    if name not in _ALIASES:
        raise ValueError(f"Unknown attack {name!r}; choose one of {sorted(_ALIASES)}.")
    cls, defaults = _ALIASES[name]
    return cls(**defaults).set_params(**params)


def resolve_attack(attack):
    """Return a fresh attack object for an alias or a clone of an attack object."""
    if isinstance(attack, str):
        return make_attack(attack)
    return clone(attack)
