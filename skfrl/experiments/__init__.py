"""Paired poisoning experiments: grid runner, result store, reports and CLI."""

from ._config import ExperimentConfig, check_config, get_preset, load_config
from ._demo import run_demo
from ._display import (
    FairnessVsRatioDisplay,
    FeatureChangeDisplay,
    LeakageVsRatioDisplay,
)
from ._estimate import estimate_cell_seconds
from ._grid import expand_grid
from ._poisoned_training import HeldOutSplit, poisoned_victim_leakage
from ._report import write_report
from ._runner import run_experiment
from ._store import load_results
from ._summary import summarise, summary_to_markdown
from ._trial import run_paired_trial, train_target_split

__all__ = [
    "ExperimentConfig",
    "FairnessVsRatioDisplay",
    "FeatureChangeDisplay",
    "HeldOutSplit",
    "LeakageVsRatioDisplay",
    "check_config",
    "estimate_cell_seconds",
    "expand_grid",
    "get_preset",
    "load_config",
    "load_results",
    "poisoned_victim_leakage",
    "run_demo",
    "run_experiment",
    "run_paired_trial",
    "summarise",
    "summary_to_markdown",
    "train_target_split",
    "write_report",
]
