"""The result store: one CSV file per finished cell, written atomically.

Layout of an output folder::

    <out>/meta.json              versions and the configuration of the last run
    <out>/.lock                  held by the run writing to the folder
    <out>/cells/<cell id>.csv    the records of one finished cell
    <out>/cells/<cell id>.json   its manifest: configuration, rows, sha256

A cell's id is a hash of its full configuration, so a rerun finds the cells
already done, and a changed parameter makes new cells instead of mixing
results. Files are written under a temporary name in the same folder and
renamed into place, the records first and the manifest last: a cell is
finished only when its manifest exists and its records match it (rows and
checksum). A cell file that fails the check (cut short, emptied, edited) is
recomputed, with a warning naming it; files the store did not write are
never read. One run at a time writes to a folder: a second one refuses.

Every record carries ``skfrl_source``, a hash of skfrl's source files as
the process that computed it imported them: a folder whose cells come from
different code (a run resumed after an edit, or a worker started after
one) is loaded with a warning, since its numbers need not agree.
"""

import hashlib
import io
import json
import os
import socket
import tempfile
import warnings
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..utils import library_versions

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


def _manifest_path(records_path):
    return records_path.with_suffix(".json")


def _write_atomically(path, write, mode="w"):
    """Call ``write(file)`` on a temporary file, then rename it to ``path``."""
    fd, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX
    )
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"newline": ""})) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)  # mkstemp's 0o600 would hide results from others
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def prepare_store(out):
    """Create ``<out>/cells`` and delete temporary files a killed run left.

    Call it holding the folder's lock (:func:`store_lock`): only then are
    the temporary files surely not another run's.
    """
    cells = Path(out) / _CELLS
    cells.mkdir(parents=True, exist_ok=True)
    for temp in cells.glob(f".*{_TEMP_SUFFIX}"):
        temp.unlink(missing_ok=True)
    return cells


@contextmanager
def store_lock(out):
    """Hold ``<out>/.lock`` while a run writes to ``out``.

    A second run on the same folder raises a ``RuntimeError`` naming the
    process that holds it; a lock left by a process that no longer exists
    (a killed run on this machine) is taken over with a warning.
    """
    path = Path(out) / ".lock"
    Path(out).mkdir(parents=True, exist_ok=True)
    owner = {"pid": os.getpid(), "host": socket.gethostname()}
    for attempt in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            holder = _read_lock(path)
            if attempt or _alive(holder):
                raise RuntimeError(
                    f"Another skfrl run (pid {holder.get('pid')} on "
                    f"{holder.get('host')}) is writing to {str(out)!r}; wait for "
                    "it to finish, or give this run another --out folder."
                ) from None
            warnings.warn(
                f"Removing the lock of a run that no longer exists (pid "
                f"{holder.get('pid')}): {path}.",
                UserWarning,
                stacklevel=3,
            )
            path.unlink(missing_ok=True)
    with os.fdopen(fd, "w") as f:
        json.dump(owner, f)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _read_lock(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _alive(holder):
    """Whether the process holding a lock still runs (unknown hosts: yes)."""
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(holder["pid"]), 0)
    except (KeyError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def write_cell(out, cell, records):
    """Write the records of a finished cell, then its manifest, atomically."""
    path = cell_path(out, cell)
    data = pd.DataFrame(records).to_csv(index=False).encode()
    _write_atomically(path, lambda f: f.write(data), mode="wb")
    manifest = {
        "cell_id": cell_id(cell),
        "cell": cell,
        "n_rows": len(records),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    _write_atomically(
        _manifest_path(path), lambda f: json.dump(manifest, f, sort_keys=True)
    )


def _verified_records(path, cell=None):
    """Return the records of a cell file if its manifest vouches for them.

    Returns None, with a warning naming the file, when the manifest is
    missing or unreadable, the records differ from it, or (given ``cell``)
    it belongs to another configuration.
    """
    manifest_path = _manifest_path(path)
    problem = None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        data = path.read_bytes()
    except FileNotFoundError as exc:
        problem = f"{Path(exc.filename).name} is missing"
    except (OSError, ValueError) as exc:
        problem = f"its manifest is unreadable ({exc})"
    else:
        if not isinstance(manifest, dict) or "sha256" not in manifest:
            problem = "its manifest is unreadable"
        elif hashlib.sha256(data).hexdigest() != manifest["sha256"]:
            problem = "its records differ from their checksum (cut short or edited)"
        elif cell is not None and manifest.get("cell_id") != cell_id(cell):
            problem = "its manifest belongs to another configuration"
    if problem is None:
        frame = pd.read_csv(io.BytesIO(data), **_EXACT_FLOATS)
        if len(frame) == manifest["n_rows"]:
            return frame
        problem = f"it holds {len(frame)} of its {manifest['n_rows']} rows"
    warnings.warn(
        f"Ignoring the cell file {path}: {problem}.", UserWarning, stacklevel=3
    )
    return None


def cell_done(out, cell):
    """Return whether ``cell`` finished: its file exists and passes its manifest.

    A file that fails the check is reported with a warning and counts as not
    finished, so the cell is computed again.
    """
    path = cell_path(out, cell)
    if not path.exists():
        return False
    return _verified_records(path, cell) is not None


def _source_fingerprint():
    """Return a short hash of the ``.py`` files of the installed skfrl package."""
    import skfrl

    root = Path(skfrl.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


#: the source this process imported (hashed at import, before any edit)
SOURCE_FINGERPRINT = _source_fingerprint()


def versions():
    """Return :func:`~skfrl.utils.library_versions` and the source's fingerprint."""
    return library_versions() | {"skfrl_source": SOURCE_FINGERPRINT}


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
        ``feature_change_frequency`` and ``cell_config`` hold JSON text;
        ``skfrl_source`` hashes the source code that computed the cell (a
        warning says when the cells come from more than one). Empty when no
        cell has finished.

    Examples
    --------
    >>> from skfrl.experiments import load_results
    >>> load_results("results/")  # doctest: +SKIP
    """
    folder = Path(out)
    if not folder.is_dir():
        raise FileNotFoundError(f"No results folder at {str(folder)!r}.")
    cells = folder / _CELLS
    names = {path.name for path in cells.glob("[!.]*")}
    strays = sorted(
        name
        for name in names
        if not (
            (name.endswith(".csv") and f"{name[:-4]}.json" in names)
            or (name.endswith(".json") and f"{name[:-5]}.csv" in names)
        )
    )
    if strays:
        warnings.warn(
            f"Ignoring files the result store did not write in {cells}: {strays}.",
            UserWarning,
            stacklevel=2,
        )
    frames = [
        frame
        for path in sorted(cells.glob("[!.]*.csv"))
        if _manifest_path(path).exists()
        and (frame := _verified_records(path)) is not None
    ]
    if not frames:
        return pd.DataFrame()
    results = pd.concat(frames, ignore_index=True)
    if "skfrl_source" in results:
        sources = results.drop_duplicates("cell_id")["skfrl_source"].dropna()
        if sources.nunique() > 1:
            counts = ", ".join(
                f"{source}: {n}" for source, n in sources.value_counts().items()
            )
            warnings.warn(
                f"The cells in {folder} come from {sources.nunique()} versions of "
                f"skfrl's source (cells per version: {counts}); numbers measured "
                "with different code need not agree. Rerun them into a fresh "
                "folder to compare like with like.",
                UserWarning,
                stacklevel=2,
            )
    key = ["dataset", "victim", "protocol", "poison_ratio", "seed"]
    return results.sort_values(key, kind="stable").reset_index(drop=True)
