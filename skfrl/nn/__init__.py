"""PyTorch building blocks and skorch glue for skfrl's representation learners."""

from .architectures import AdversarialNet, ConditionalVAENet
from .criteria import AdversarialLoss, ConditionalVAELoss
from .losses import (
    balanced_class_weights,
    euclidean_score,
    fld_score,
    gaussian_kl_standard_normal,
    pairwise_gaussian_kl,
    sfld_score,
)
from .modules import MLP, GaussianEncoder, grad_reverse
from .net import FRLNet, TensorBatchIterator
from .privacy import private_gradients
from .proxies import flat_grad, make_proxy
from .unrolled import UnrolledTraining

__all__ = [
    "AdversarialLoss",
    "AdversarialNet",
    "ConditionalVAELoss",
    "ConditionalVAENet",
    "FRLNet",
    "GaussianEncoder",
    "MLP",
    "TensorBatchIterator",
    "UnrolledTraining",
    "balanced_class_weights",
    "euclidean_score",
    "flat_grad",
    "fld_score",
    "gaussian_kl_standard_normal",
    "grad_reverse",
    "make_proxy",
    "pairwise_gaussian_kl",
    "private_gradients",
    "sfld_score",
]
