import importlib.metadata

import numpy as np
import scipy
import sklearn
import torch

import skfrl
from skfrl.utils import library_versions, show_versions


def test_library_versions_names_what_results_depend_on():
    versions = library_versions()
    assert versions["skfrl"] == skfrl.__version__
    assert versions["numpy"] == np.__version__
    assert versions["scipy"] == scipy.__version__
    assert versions["scikit-learn"] == sklearn.__version__
    assert versions["torch"] == torch.__version__
    assert {"python", "platform", "cpu", "cpu_flags", "skorch", "pandas"} <= set(
        versions
    )
    assert all(isinstance(value, str) for value in versions.values())


def test_a_missing_library_is_reported_not_raised(monkeypatch):
    real_version = importlib.metadata.version

    def version(name):
        if name == "fairlearn":
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert library_versions()["fairlearn"] == "not installed"


def test_show_versions_prints_one_line_per_entry(capsys):
    show_versions()
    lines = capsys.readouterr().out.splitlines()
    versions = library_versions()
    for line, (name, version) in zip(lines, versions.items(), strict=True):
        assert line.startswith(f"{name}:") and line.endswith(version)


def test_the_kernels_torch_dispatches_to_are_recorded():
    versions = library_versions()
    assert versions["torch_cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert versions["cpu_flags"]
