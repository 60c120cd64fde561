"""Files in torch's weights-only format: written and read without running code."""

from pathlib import Path

__all__ = ["read_weights_only", "write_weights_only"]


def _target(path):
    return Path(path) if isinstance(path, str | Path) else path


def write_weights_only(state, path):
    """Write ``state`` (tensors and plain values) to ``path`` with ``torch.save``.

    Parameters
    ----------
    state : dict
        Tensors, numbers, strings, bytes, lists, tuples and dicts only.
    path : str, path-like or binary file object
        Where to write.

    Returns
    -------
    path : pathlib.Path or the file object
    """
    import torch

    path = _target(path)
    torch.save(state, path)
    return path


def read_weights_only(path, *, kind, format_version):
    """Read a file of :func:`write_weights_only`, refusing anything else.

    ``torch.load(weights_only=True)`` rebuilds tensors and plain values
    only, so a tampered file cannot run code.

    Parameters
    ----------
    path : str, path-like or binary file object
        The file.
    kind : str
        What the file should be, for messages, e.g.
        ``"a model file of skfrl.models.save_model"``.
    format_version : int
        The ``"format"`` entry the file must have.

    Returns
    -------
    state : dict

    Raises
    ------
    ValueError
        If the file holds more than tensors and plain values, or is not a
        dict of that format.
    """
    import torch

    try:
        state = torch.load(_target(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError, ...
        raise ValueError(
            f"{path} is not {kind}, or holds more than tensors and plain values "
            f"({type(exc).__name__}: {exc})."
        ) from exc
    if not isinstance(state, dict) or state.get("format") != format_version:
        raise ValueError(f"{path} is not {kind}.")
    return state
