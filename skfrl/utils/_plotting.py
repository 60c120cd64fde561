"""matplotlib, imported only when something is drawn."""

__all__ = ["import_pyplot"]


def import_pyplot():
    """Return ``matplotlib.pyplot``, or say how to install it.

    Returns
    -------
    module
        ``matplotlib.pyplot``.

    Raises
    ------
    ImportError
        When matplotlib is missing, naming the extra that installs it.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover
        raise ImportError(
            "Plotting needs matplotlib: pip install 'skfrl[plot]'."
        ) from exc
    return plt
