"""What a result depends on besides skfrl's code: Python, the CPU, the libraries.

The same seed gives the same numbers only with the same library versions
(and possibly the same CPU): kernels that round differently make a trial
compute other per-seed numbers. The runner and the benchmarks record these
beside their results; ``show_versions`` prints them for a bug report.
"""

import importlib.metadata
import platform
from pathlib import Path

__all__ = ["library_versions", "show_versions"]

#: the distributions whose versions a trial's numbers depend on
_LIBRARIES = (
    "torch",
    "numpy",
    "scipy",
    "scikit-learn",
    "skorch",
    "pandas",
    "fairlearn",
)


def _cpu_model():
    """Return the CPU's model name (``/proc/cpuinfo`` on Linux), or ''."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor()


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def library_versions():
    """Return the versions of Python, the libraries and the CPU results depend on.

    Returns
    -------
    versions : dict of str to str
        ``python``, ``platform``, ``cpu`` (the model name) and the installed
        version of ``skfrl``, ``torch``, ``numpy``, ``scipy``,
        ``scikit-learn``, ``skorch``, ``pandas`` and ``fairlearn``
        (``"not installed"`` for a missing one).

    Examples
    --------
    >>> from skfrl.utils import library_versions
    >>> sorted(library_versions())[:3]
    ['cpu', 'fairlearn', 'numpy']
    """
    from .. import __version__

    versions = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "skfrl": __version__,
    }
    versions.update({name: _version(name) for name in _LIBRARIES})
    return versions


def show_versions():
    """Print :func:`library_versions`, one per line (for a bug report).

    Examples
    --------
    >>> from skfrl.utils import show_versions
    >>> show_versions()  # doctest: +ELLIPSIS
    python: ...
    """
    versions = library_versions()
    width = max(map(len, versions))
    for name, version in versions.items():
        print(f"{name + ':':<{width + 1}} {version}")
