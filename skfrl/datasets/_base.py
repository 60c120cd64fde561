"""Shared machinery of the dataset loaders: data home, download, Bunch.

Files are looked up by their upstream name in the data home, directly or in a
subfolder named after the dataset, and checked against their pinned sha256
every time they are read (once per process and file version: the result is
cached by path, size and modification time). Missing files are downloaded
from pinned URLs into ``<data_home>/<dataset>/`` and checked before they are
moved into place, so an interrupted or corrupted download leaves nothing
behind: no partial file, no empty folder.
"""

import hashlib
import http.client
import os
import tempfile
from collections import namedtuple
from importlib import resources
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

__all__ = ["get_data_home"]

RemoteFile = namedtuple("RemoteFile", ["filename", "url", "sha256"])

_ENV_VAR = "SKFRL_DATA_HOME"
_CHUNK_SIZE = 1 << 16
_NETWORK_ERRORS = (URLError, TimeoutError, ConnectionError, http.client.HTTPException)
# Parameter constraints every fetch_* function shares.
FETCH_CONSTRAINTS = {
    "data_home": [str, os.PathLike, None],
    "download_if_missing": ["boolean"],
    "as_frame": ["boolean"],
    "return_X_y_s": ["boolean"],
    "raw": ["boolean"],
}


def get_data_home(data_home=None):
    """Return the folder where skfrl looks for and stores dataset files.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. If None, the environment variable ``SKFRL_DATA_HOME``
        is used when set, and ``~/skfrl_data`` otherwise.

    Returns
    -------
    data_home : str
        The folder, with ``~`` expanded. It is created only when a file is
        downloaded into it.

    Examples
    --------
    >>> from skfrl.datasets import get_data_home
    >>> get_data_home("/tmp/skfrl_data")
    '/tmp/skfrl_data'
    """
    if data_home is None:
        data_home = os.environ.get(_ENV_VAR) or Path("~", "skfrl_data")
    return str(Path(data_home).expanduser())


def _sha256(path):
    """Return the hex sha256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _where_to_put(dataset, filename, data_home):
    """Say where a user should put ``filename``; shared by the error messages."""
    folder = Path(data_home, dataset)
    return (
        f"Put the file {filename} in the folder {folder} (or directly in "
        f"{data_home}), or set the {_ENV_VAR} environment variable to a folder "
        f"that holds {dataset}/{filename}."
    )


# (path, size, mtime) -> sha256 of the files already read in this process
_VERIFIED = {}


def verify_local_file(path, sha256):
    """Raise an ``OSError`` unless the file at ``path`` has the given sha256.

    The check is cached by the file's path, size and modification time, so a
    file read again in the same process is not hashed again.
    """
    stat = Path(path).stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _VERIFIED:
        _VERIFIED[key] = _sha256(path)
    if _VERIFIED[key] != sha256:
        raise OSError(
            f"The local file {path} is damaged or another version: its sha256 is "
            f"{_VERIFIED[key]}, expected {sha256}. Delete it (skfrl then "
            "downloads a verified copy) or replace it with a verified copy."
        )
    return path


def _find_local(dataset, filename, data_home):
    """Return the path of ``filename`` in ``data_home`` or its subfolder, or None."""
    for path in (Path(data_home, filename), Path(data_home, dataset, filename)):
        if path.is_file():
            return path
    return None


def _download(remote, folder):
    """Download ``remote`` into ``folder`` atomically and verify its sha256.

    Partial files of an earlier, killed download are removed first; a failed
    download removes its own partial file, and the folder if it created it.
    """
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f".{remote.filename}.*"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{remote.filename}.")
    done = False
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urlopen(remote.url, timeout=60) as response:
            while chunk := response.read(_CHUNK_SIZE):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != remote.sha256:
            raise OSError(
                f"Checksum mismatch for {remote.filename} downloaded from "
                f"{remote.url}: expected sha256 {remote.sha256}, got "
                f"{digest.hexdigest()}. The download was deleted; try again, or "
                f"put a verified copy of {remote.filename} in {folder}."
            )
        target = folder / remote.filename
        os.replace(tmp_name, target)
        done = True
        return target
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        if created and not done and not any(folder.iterdir()):
            folder.rmdir()


def _fetch_file(dataset, remote, data_home, download_if_missing):
    """Return the local path of ``remote``, downloading it when allowed.

    Parameters
    ----------
    dataset : str
        The dataset name, also the name of its subfolder in ``data_home``.
    remote : RemoteFile
        The upstream file name, its URL and its sha256.
    data_home : str or path-like or None
        Passed to :func:`get_data_home`.
    download_if_missing : bool
        Whether to download a file that is not found locally.

    Returns
    -------
    path : pathlib.Path
        Where the file lies.
    """
    data_home = get_data_home(data_home)
    path = _find_local(dataset, remote.filename, data_home)
    if path is not None:
        return verify_local_file(path, remote.sha256)
    if not download_if_missing:
        raise FileNotFoundError(
            f"{remote.filename} was not found in {data_home} and "
            f"download_if_missing=False. "
            + _where_to_put(dataset, remote.filename, data_home)
        )
    try:
        return _download(remote, Path(data_home, dataset))
    except _NETWORK_ERRORS as exc:
        raise OSError(
            f"Could not download {remote.filename} from {remote.url} ({exc}). "
            "Download it from that URL on a machine with internet access. "
            + _where_to_put(dataset, remote.filename, data_home)
        ) from exc


def _load_descr(name):
    """Return the text of ``descr/<name>.rst`` shipped with the package."""
    return (
        resources.files(__package__)
        .joinpath("descr", f"{name}.rst")
        .read_text(encoding="utf-8")
    )


def _one_hot(column, categories, name):
    """One-hot encode ``column`` over a fixed list of ``categories``.

    The columns, named ``"<name>=<category>"``, never depend on which
    categories the rows happen to contain; an unknown value is an error.
    """
    codes = pd.Categorical(column, categories=categories).codes
    if (codes < 0).any():
        unknown = sorted(set(column[codes < 0].astype(str)))
        raise ValueError(f"Unexpected values in column {name!r}: {unknown[:5]}.")
    encoded = np.zeros((len(column), len(categories)))
    encoded[np.arange(len(column)), codes] = 1.0
    columns = [f"{name}={category}" for category in categories]
    return pd.DataFrame(encoded, columns=columns, index=column.index)


def _encode(df, categories):
    """One-hot the columns named in ``categories``; keep the others as floats."""
    parts = [
        _one_hot(df[name], categories[name], name)
        if name in categories
        else df[[name]].astype(np.float64)
        for name in df.columns
    ]
    return pd.concat(parts, axis=1)


def _make_bunch(
    data, target, sensitive, *, target_names, descr, as_frame, return_X_y_s
):
    """Pack a loader's output as a Bunch or ``(X, y, s)``.

    ``data`` is a DataFrame, ``target`` and ``sensitive`` are named int Series
    of the same index; they are converted to numpy arrays unless ``as_frame``.
    """
    data = data.reset_index(drop=True)
    target = target.reset_index(drop=True).astype(np.int64)
    sensitive = sensitive.reset_index(drop=True).astype(np.int64)
    feature_names = list(data.columns)
    frame = None
    if as_frame:
        frame = pd.concat([data, target, sensitive], axis=1)
    else:
        data, target, sensitive = (a.to_numpy() for a in (data, target, sensitive))
    if return_X_y_s:
        return data, target, sensitive
    return Bunch(
        data=data,
        target=target,
        sensitive_features=sensitive,
        feature_names=feature_names,
        target_names=list(target_names),
        frame=frame,
        DESCR=_load_descr(descr),
    )
