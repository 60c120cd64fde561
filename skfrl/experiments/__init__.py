"""Paired poisoning experiments, the demo and the ``skfrl`` command line."""

from ._demo import run_demo
from ._protocol import HeldOutSplit, poisoned_victim_leakage
from ._trial import run_paired_trial

__all__ = ["HeldOutSplit", "poisoned_victim_leakage", "run_demo", "run_paired_trial"]
