"""Runtime estimates of cells, from the catalogue's measured costs."""

import numpy as np

from ._catalogue import ATTACKS, DATASETS, DEFAULT_PROBE, PROBES, VICTIMS

__all__ = ["describe_plan", "estimate_cell_seconds", "format_duration"]


def estimate_cell_seconds(cell):
    """Return the estimated seconds of one cell on one thread."""
    n_rows = DATASETS[cell["dataset"]].n_rows
    n_train = (1 - cell["target_fraction"]) * n_rows
    n_target = cell["target_fraction"] * n_rows
    entry = VICTIMS[cell["victim"]]
    max_epochs = entry.build(cell["victim_params"]).max_epochs
    overhead, per_row = entry.epoch_seconds
    epoch = overhead + per_row * n_train
    n_conditions = 1 + len(cell["attacks"])  # clean, then every attack
    epochs = max_epochs + n_conditions * cell["n_epochs"]
    probe = sum(
        PROBES[name].seconds[0] + PROBES[name].seconds[1] * n_target
        for name in (DEFAULT_PROBE, *cell["strong_probes"])
    )
    craft = 0.0
    for name in cell["attacks"]:
        craft_seconds = ATTACKS[name].craft_seconds
        if craft_seconds is not None:
            attack = ATTACKS[name].build(cell["attack_params"].get(name))
            craft += craft_seconds(attack, cell["protocol"], entry, max_epochs, n_train)
    return epoch * epochs + probe * n_conditions * cell["n_average"] + craft


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


def format_duration(seconds):
    """Return ``seconds`` as ``"42 s"``, ``"7 min"`` or ``"3.5 h"``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
