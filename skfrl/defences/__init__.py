"""Defences against poisoning: sanitisers that remove suspected poisons."""

from ._base import BaseSanitiser, is_sanitiser
from ._centroids import SlabSanitiser, SphereSanitiser
from ._knn import KNNConsistencySanitiser
from ._outliers import RepresentationOutlierSanitiser
from ._spectral import (
    GradientNormSanitiser,
    SpectralSignatureSanitiser,
    projected_sample_gradients,
    spectral_scores,
)
from ._validity import RecordValiditySanitiser

__all__ = [
    "BaseSanitiser",
    "GradientNormSanitiser",
    "KNNConsistencySanitiser",
    "RecordValiditySanitiser",
    "RepresentationOutlierSanitiser",
    "SlabSanitiser",
    "SpectralSignatureSanitiser",
    "SphereSanitiser",
    "is_sanitiser",
    "projected_sample_gradients",
    "spectral_scores",
]
