"""Validation, seeding and parameter-checking helpers shared by skfrl."""

from ._domain import FeatureDomain
from ._norms import changed_features, perturbation_norms
from ._plotting import import_pyplot
from ._progress import show_progress
from ._seeding import draw_seed, forked_torch_rng
from ._threads import limit_threads
from ._versions import library_versions, show_versions
from ._weights_only import read_weights_only, write_weights_only
from .validation import check_poison_ratio, check_sensitive_features, check_X_y_s

__all__ = [
    "FeatureDomain",
    "changed_features",
    "check_X_y_s",
    "check_poison_ratio",
    "check_sensitive_features",
    "draw_seed",
    "forked_torch_rng",
    "import_pyplot",
    "library_versions",
    "limit_threads",
    "perturbation_norms",
    "read_weights_only",
    "show_progress",
    "show_versions",
    "write_weights_only",
]
