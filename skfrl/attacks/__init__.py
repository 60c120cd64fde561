"""Poisoning attacks on fair representation learners, and the poisoner running them."""

from ._anchoring import AnchoringAttack
from ._base import (
    PROTOCOLS,
    BaseAttack,
    Poisons,
    project_poisons,
    sample_base_indices,
)
from ._copies import DuplicateAttack, SensitiveFlipAttack
from ._eng import ENGAttack
from ._label_flip import LabelFlipAttack
from ._poisoner import FairRepresentationPoisoner
from ._random import RandomPerturbationAttack
from ._registry import ATTACK_NAMES, make_attack

__all__ = [
    "ATTACK_NAMES",
    "PROTOCOLS",
    "AnchoringAttack",
    "BaseAttack",
    "DuplicateAttack",
    "ENGAttack",
    "FairRepresentationPoisoner",
    "LabelFlipAttack",
    "Poisons",
    "RandomPerturbationAttack",
    "SensitiveFlipAttack",
    "make_attack",
    "project_poisons",
    "sample_base_indices",
]
