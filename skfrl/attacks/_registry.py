"""The string aliases of ``FairRepresentationPoisoner(attack=...)``."""

from sklearn.base import clone

from ._anchoring import AnchoringAttack
from ._copies import DuplicateAttack, SensitiveFlipAttack
from ._eng import ENGAttack
from ._label_flip import LabelFlipAttack
from ._random import RandomPerturbationAttack

__all__ = ["ATTACK_ALIASES", "resolve_attack"]

#: alias -> (attack class, constructor arguments)
ATTACK_ALIASES = {
    "eng": (ENGAttack, {}),
    "raa": (AnchoringAttack, {"strategy": "random"}),
    "nraa": (AnchoringAttack, {"strategy": "non-random"}),
    "label_flip": (LabelFlipAttack, {}),
    "sensitive_flip": (SensitiveFlipAttack, {}),
    "random": (RandomPerturbationAttack, {}),
    "duplicate": (DuplicateAttack, {}),
}


def resolve_attack(attack):
    """Return a fresh attack object for an alias or a clone of an attack object."""
    if isinstance(attack, str):
        cls, kwargs = ATTACK_ALIASES[attack]
        return cls(**kwargs)
    return clone(attack)
