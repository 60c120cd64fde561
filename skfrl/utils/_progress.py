"""When long work shows a progress bar."""

import os
import sys

__all__ = ["show_progress"]


def show_progress(verbose):
    """Return whether a progress bar is shown for ``verbose``.

    Parameters
    ----------
    verbose : int, bool or None
        None ("auto"): in interactive sessions only, i.e. when standard
        error is a terminal or the code runs in a Jupyter kernel, and never
        under pytest; 0 or False: never; 1 or more: always.

    Returns
    -------
    bool
    """
    if verbose is None:
        if "PYTEST_CURRENT_TEST" in os.environ:
            return False
        interactive = getattr(sys.stderr, "isatty", lambda: False)()
        return interactive or "ipykernel" in sys.modules
    return bool(verbose)
