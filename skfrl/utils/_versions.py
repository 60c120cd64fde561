"""What a result depends on besides skfrl's code: Python, the CPU, the libraries.

The same seed gives the same numbers only with the same kernels: another
instruction set (MKL's and torch's kernels are chosen by the CPU) or other
library versions round differently, and a trial turns that into other
per-seed numbers. The runner and the benchmarks record these
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


#: the instruction sets whose kernels (MKL's, torch's) round differently
_SIMD_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_tile")


def _cpuinfo_field(name):
    """Return the first ``name`` field of ``/proc/cpuinfo`` (Linux), or None."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.split(":")[0].strip() == name:
                return line.partition(":")[2].strip()
    return None


def _cpu():
    """Return the CPU's model name and the SIMD flags of ``_SIMD_FLAGS`` it has."""
    model = _cpuinfo_field("model name") or platform.processor()
    flags = _cpuinfo_field("flags")
    if flags is None:
        return model, "unknown"
    present = [flag for flag in _SIMD_FLAGS if flag in flags.split()]
    return model, " ".join(present) or "none of " + " ".join(_SIMD_FLAGS)


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
        ``python``, ``platform``, ``cpu`` (the model name), ``cpu_flags``
        (which of AVX2, AVX-512, AVX-512 BF16 and AMX it has),
        ``torch_cpu_capability`` (the kernels torch dispatches to, e.g.
        ``"AVX512"``; ``ATEN_CPU_CAPABILITY`` sets it) and the installed
        version of ``skfrl``, ``torch``, ``numpy``, ``scipy``,
        ``scikit-learn``, ``skorch``, ``pandas`` and ``fairlearn``
        (``"not installed"`` for a missing one).

    Examples
    --------
    >>> from skfrl.utils import library_versions
    >>> sorted(library_versions())[:3]
    ['cpu', 'cpu_flags', 'fairlearn']
    """
    import torch

    from .. import __version__

    model, flags = _cpu()
    versions = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": model,
        "cpu_flags": flags,
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
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
