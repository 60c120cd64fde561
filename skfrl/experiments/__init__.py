"""Paired poisoning experiments: grid runner, result store, reports and CLI."""

from ._config import check_config, expand_grid, get_preset, load_config
from ._demo import run_demo
from ._display import (
    FairnessVsRatioDisplay,
    FeatureChangeDisplay,
    LeakageVsRatioDisplay,
)
from ._protocol import HeldOutSplit, poisoned_victim_leakage
from ._report import summarise, summary_to_markdown, write_report
from ._runner import run_experiment
from ._store import load_results
from ._trial import run_paired_trial

__all__ = [
    "FairnessVsRatioDisplay",
    "FeatureChangeDisplay",
    "HeldOutSplit",
    "LeakageVsRatioDisplay",
    "check_config",
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
    "write_report",
]
