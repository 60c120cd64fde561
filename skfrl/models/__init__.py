"""Fair representation learners: scikit-learn transformers on skorch."""

from ._adversarial import AdvFRL
from ._base import BaseTorchRepresentation
from ._cfair import CFair
from ._history import TrainingHistoryDisplay
from ._icvae import ICVAE
from ._persistence import load_model, save_model
from ._supervised import SupervisedEncoder

__all__ = [
    "AdvFRL",
    "BaseTorchRepresentation",
    "CFair",
    "ICVAE",
    "SupervisedEncoder",
    "TrainingHistoryDisplay",
    "load_model",
    "save_model",
]
