"""Runtime estimates of cells, from the catalogue's measured costs."""

import numpy as np

from ._store import cell_id
from .catalogue import (
    ATTACKS,
    CONDITION_SECONDS,
    DATASETS,
    DEFAULT_PROBE,
    DEFENCES,
    PROBES,
    VICTIMS,
)

__all__ = [
    "RemainingTime",
    "describe_plan",
    "estimate_cell_seconds",
    "format_duration",
]


def estimate_cell_seconds(cell):
    """Return the estimated seconds of one cell on one thread.

    From the costs in :mod:`skfrl.experiments.catalogue`, which
    ``benchmarks/bench_cell_costs.py`` measures and checks against real
    cells.

    Parameters
    ----------
    cell : dict
        One cell of :func:`expand_grid`.

    Returns
    -------
    seconds : float

    Examples
    --------
    >>> from skfrl.experiments import estimate_cell_seconds, expand_grid, get_preset
    >>> cells = expand_grid(get_preset("quick"))
    >>> 0 < estimate_cell_seconds(cells[0]) < 600
    True
    """
    n_rows = DATASETS[cell["dataset"]].n_rows
    n_train = round((1 - cell["target_fraction"]) * n_rows)
    n_target = n_rows - n_train
    n_poison = max(1, round(cell["poison_ratio"] * n_train))
    entry = VICTIMS[cell["victim"]]
    max_epochs = entry.build(cell["victim_params"]).max_epochs
    attacks = cell["attacks"]
    # θ0, then every condition trained on; the attacks' sets hold the poisons
    seconds = max_epochs * entry.epoch_cost(n_train)
    seconds += cell["n_epochs"] * entry.epoch_cost(n_train)
    seconds += len(attacks) * cell["n_epochs"] * entry.epoch_cost(n_train + n_poison)
    probe = sum(
        PROBES[name].seconds[0] + PROBES[name].seconds[1] * n_target
        for name in (DEFAULT_PROBE, *cell["strong_probes"])
    )
    seconds += (1 + len(attacks)) * (cell["n_average"] * probe + CONDITION_SECONDS)
    sizes = [n_train] + [n_train + n_poison] * len(attacks)
    for name in cell.get("defences", []):  # each condition again, on what is kept
        defence = DEFENCES[name]
        for size in sizes:
            # the catalogued sanitisers remove 10 %, training-time ones nothing
            kept = size if defence.victim_params else round(0.9 * size)
            seconds += defence.seconds_per_row * size
            seconds += cell["n_epochs"] * entry.epoch_cost(kept) * defence.train_factor
            seconds += cell["n_average"] * probe + CONDITION_SECONDS
    crafted_on, crafted_epochs = entry, max_epochs
    if "surrogate" in cell:  # the attacker's own model: trained, then crafted on
        crafted_on = VICTIMS[cell["surrogate"]]
        crafted_epochs = crafted_on.build(cell["surrogate_params"]).max_epochs
        seconds += crafted_epochs * crafted_on.epoch_cost(n_train)
    for name in attacks:
        craft_seconds = ATTACKS[name].craft_seconds
        if craft_seconds is not None:
            attack = ATTACKS[name].build(cell["attack_params"].get(name))
            seconds += craft_seconds(
                attack,
                cell["protocol"],
                crafted_on,
                crafted_epochs,
                n_train,
                n_poison,
                records=cell["feature_domain"] != "box",
            )
    return seconds


def describe_plan(config, cells, todo, n_workers):
    """Return the line printed before a run: cells to do, estimated time."""
    head = f"skfrl run {config['name']!r}: {len(cells)} cells, "
    if not todo:
        return head + "all already done."
    seconds = [estimate_cell_seconds(cell) for cell in todo]
    width = max(1, min(n_workers, len(todo)))
    # cells are assigned greedily: the slowest cell bounds the wall time
    wall = max(sum(seconds) / width, max(seconds, default=0.0))
    return head + (
        f"{len(cells) - len(todo)} already done, {len(todo)} to run on "
        f"{n_workers} worker(s); estimated {format_duration(wall)} "
        f"(~{format_duration(np.mean(seconds))} per cell)."
    )


class RemainingTime:
    """The remaining time of a run, calibrated on the cells already finished.

    The catalogue's costs are measured on one machine; on another, or on a
    busy one, every cell is off by a similar factor. After each finished
    cell, the estimate of the cells still to run is scaled by the ratio of
    the finished cells' measured seconds to their estimate.

    Parameters
    ----------
    cells : list of dict
        The cells to run.
    n_workers : int
        Cells running at once.
    """

    def __init__(self, cells, n_workers):
        self._remaining = {cell_id(cell): estimate_cell_seconds(cell) for cell in cells}
        self._measured = self._estimated = 0.0
        self._width = max(1, n_workers)

    def finished(self, cell, seconds):
        """Record that ``cell`` took ``seconds``."""
        self._estimated += self._remaining.pop(cell_id(cell))
        self._measured += seconds

    @property
    def factor(self):
        """Measured over estimated seconds of the finished cells (1 before any)."""
        return self._measured / self._estimated if self._estimated else 1.0

    def seconds(self):
        """Return the calibrated wall-clock seconds still to go."""
        remaining = list(self._remaining.values())
        if not remaining:
            return 0.0
        return self.factor * max(sum(remaining) / self._width, max(remaining))

    def describe(self):
        """Return e.g. ``"~12 min left (cells take 0.8x the estimate)"``."""
        return (
            f"~{format_duration(self.seconds())} left (cells take "
            f"{self.factor:.2g}x the estimate)"
        )


def format_duration(seconds):
    """Return ``seconds`` as ``"42 s"``, ``"7 min"`` or ``"3.5 h"``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
