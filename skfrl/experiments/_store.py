"""The result store: one CSV file per finished cell, written atomically.

Layout of an output folder::

    <out>/meta.json              versions and the configuration of the last run
    <out>/cells/<cell id>.csv    the records of one finished cell

A cell's id is a hash of its full configuration, so a rerun finds the cells
already done, and a changed parameter makes new cells instead of mixing
results. A file is written under a temporary name in the same folder and
renamed into place, so a killed run leaves finished cells whole and never a
partial ``.csv``; leftover temporary files are removed by the next run.
"""

import hashlib
import json
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

__all__ = ["load_results"]

_CELLS = "cells"
_TEMP_SUFFIX = ".tmp"
# pandas 3 parses floats exactly by default and deprecates the option
_EXACT_FLOATS = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)


def cell_id(cell):
    """Return a stable 16-hex-digit id of a cell's configuration."""
    text = json.dumps(cell, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cell_path(out, cell):
    """Return the file holding the records of ``cell``."""
    return Path(out) / _CELLS / f"{cell_id(cell)}.csv"


def _write_atomically(path, write):
    """Call ``write(file)`` on a temporary file, then rename it to ``path``."""
    fd, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX
    )
    try:
        with os.fdopen(fd, "w", newline="") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)  # mkstemp's 0o600 would hide results from others
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def prepare_store(out):
    """Create ``<out>/cells`` and delete temporary files a killed run left."""
    cells = Path(out) / _CELLS
    cells.mkdir(parents=True, exist_ok=True)
    for temp in cells.glob(f".*{_TEMP_SUFFIX}"):
        temp.unlink(missing_ok=True)
    return cells


def write_cell(out, cell, records):
    """Write the records of a finished cell to its file, atomically."""
    frame = pd.DataFrame(records)
    _write_atomically(cell_path(out, cell), lambda f: frame.to_csv(f, index=False))


def versions():
    """Return the versions of Python and of the libraries results depend on."""
    import numpy
    import sklearn
    import skorch
    import torch

    import skfrl

    return {
        "python": platform.python_version(),
        "skfrl": skfrl.__version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
    }


def write_meta(out, config):
    """Write ``<out>/meta.json``: versions, the configuration and the time."""
    meta = {
        "versions": versions(),
        "config": dict(config),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_atomically(Path(out) / "meta.json", lambda f: json.dump(meta, f, indent=2))


def load_results(out):
    """Return every record of the finished cells in an output folder.

    Parameters
    ----------
    out : str or path-like
        The folder given to :func:`run_experiment`.

    Returns
    -------
    results : pandas.DataFrame
        One row per cell and condition (``"clean"``, ``"duplicate"``, then
        the attacks), sorted by dataset, victim, protocol, poisoning ratio and
        seed. Columns include ``cell_id``, ``probe_bce``,
        ``delta_bce_vs_duplicate``, ``delta_bce_vs_clean``,
        ``downstream_accuracy``, ``demographic_parity_difference``,
        ``equalized_odds_difference``, ``l0``, ``l1``, ``l2``,
        ``theta0_seconds``, ``craft_seconds``; ``probe_bce_by_epoch``,
        ``feature_change_frequency`` and ``cell_config`` hold JSON text.
        Empty when no cell has finished.

    Examples
    --------
    >>> from skfrl.experiments import load_results
    >>> load_results("results/")  # doctest: +SKIP
    """
    folder = Path(out)
    if not folder.is_dir():
        raise FileNotFoundError(f"No results folder at {str(folder)!r}.")
    files = sorted((folder / _CELLS).glob("[!.]*.csv"))
    if not files:
        return pd.DataFrame()
    frames = [pd.read_csv(path, **_EXACT_FLOATS) for path in files]
    results = pd.concat(frames, ignore_index=True)
    key = ["dataset", "victim", "protocol", "poison_ratio", "seed"]
    return results.sort_values(key, kind="stable").reset_index(drop=True)
