"""Leakage, fairness and stealth metrics for fair representations and attacks."""

from ._detection import detection_auc, true_positive_rate_at_fpr
from ._evaluate import evaluate_representation
from ._fairness import downstream_fairness, fairness_report
from ._information import fld_score, knn_mutual_info
from ._leakage import (
    delta_bce,
    probe_accuracy,
    probe_auc,
    probe_bce,
    sensitive_entropy,
)
from ._leakage_report import leakage_report
from ._probes import PROBE_NAMES, make_probe
from ._scorers import SensitiveFeaturesNotRoutedError, make_leakage_scorer
from ._stealth import feature_change_frequency, perturbation_stats

__all__ = [
    "PROBE_NAMES",
    "SensitiveFeaturesNotRoutedError",
    "delta_bce",
    "detection_auc",
    "downstream_fairness",
    "evaluate_representation",
    "fairness_report",
    "feature_change_frequency",
    "fld_score",
    "knn_mutual_info",
    "leakage_report",
    "make_leakage_scorer",
    "make_probe",
    "perturbation_stats",
    "probe_accuracy",
    "probe_auc",
    "probe_bce",
    "sensitive_entropy",
    "true_positive_rate_at_fpr",
]
