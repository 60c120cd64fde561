"""The results schema: the columns of a cell's records and their labels.

Derived from the catalogue: each strong probe adds its BCE and its ΔBCE vs
the duplicates control; each attack is a condition, in catalogue order after
``"clean"`` and ``"duplicate"``.
"""

from .catalogue import ATTACKS, STRONG_PROBES

__all__ = [
    "COLUMNS",
    "CONDITIONS",
    "DEFENCE_METRICS",
    "LABELS",
    "LEAKAGE_METRICS",
    "OPTIONAL",
    "SUMMARY_KEY",
    "UTILITY_METRICS",
    "strong_probe_columns",
]


def strong_probe_columns(probe):
    """Return the columns of a strong probe: its BCE and its ΔBCE vs duplicates."""
    return f"probe_bce_{probe}", f"delta_bce_{probe}_vs_duplicate"


#: what a summary row averages over seeds; surrogate "none" is white-box
#: crafting on θ0, defence "none" the undefended run
SUMMARY_KEY = [
    "dataset",
    "victim",
    "surrogate",
    "protocol",
    "poison_ratio",
    "defence",
    "condition",
]
#: conditions in table order; their index picks a colour, stable across plots
CONDITIONS = ["clean", "duplicate", *(name for name in ATTACKS if name != "duplicate")]

_STRONG = [column for probe in STRONG_PROBES for column in strong_probe_columns(probe)]
#: leakage under the default probe, then under each strong probe
LEAKAGE_METRICS = [
    "probe_bce",
    "delta_bce_vs_duplicate",
    "delta_bce_vs_clean",
    *_STRONG,
]
UTILITY_METRICS = [
    "downstream_accuracy",
    "demographic_parity_difference",
    "equalized_odds_difference",
]
#: how well a defence found the poisons, and what it removed
DEFENCE_METRICS = ["detection_auc", "tpr_at_5_fpr", "n_removed", "n_poison_removed"]
#: NaN where not measured: strong probes not asked for, no defence, stores
#: written before skfrl recorded H(s)
OPTIONAL = ["sensitive_entropy", *_STRONG, *DEFENCE_METRICS]

LABELS = {
    "probe_bce": "probe BCE (nats)",
    "delta_bce_vs_duplicate": "ΔBCE vs duplicate (nats)",
    "delta_bce_vs_clean": "ΔBCE vs clean (nats)",
    "sensitive_entropy": "H(s) (nats)",
    "downstream_accuracy": "accuracy",
    "demographic_parity_difference": "DP gap",
    "equalized_odds_difference": "EO gap",
    "detection_auc": "detection AUC",
    "tpr_at_5_fpr": "TPR at 5 % FPR",
    "n_removed": "rows removed",
    "n_poison_removed": "poisons removed",
    **{
        column: label.format(probe)
        for probe in STRONG_PROBES
        for column, label in zip(
            strong_probe_columns(probe),
            ("probe BCE, {} probe (nats)", "ΔBCE vs duplicate, {} probe (nats)"),
            strict=True,
        )
    },
}

#: the columns of the result store, in order
COLUMNS = [
    "cell_id",
    "dataset",
    "victim",
    "surrogate",
    "protocol",
    "poison_ratio",
    "seed",
    "defence",
    "condition",
    "sensitive_entropy",
    *LEAKAGE_METRICS,
    *UTILITY_METRICS,
    *DEFENCE_METRICS,
    "n_poison",
    "fields",
    "l0",
    "l1",
    "l2",
    "theta0_seconds",
    "craft_seconds",
    "cell_seconds",
    "probe_bce_by_epoch",
    "feature_change_frequency",
    "skfrl_version",
    "skfrl_source",
    "cell_config",
]
