"""Poisoning attacks on fair representation learners, and the poisoner running them."""

from ._anchoring import AnchoringAttack
from ._base import BaseAttack, Poisons
from ._copies import DuplicateAttack, SensitiveFlipAttack
from ._eng import ENGAttack
from ._label_flip import LabelFlipAttack
from ._poisoner import FairRepresentationPoisoner
from ._random import RandomPerturbationAttack

__all__ = [
    "AnchoringAttack",
    "BaseAttack",
    "DuplicateAttack",
    "ENGAttack",
    "FairRepresentationPoisoner",
    "LabelFlipAttack",
    "Poisons",
    "RandomPerturbationAttack",
    "SensitiveFlipAttack",
]
