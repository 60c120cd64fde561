"""The data home the loader tests read, or a skip saying what is missing."""

import os

import pytest

from skfrl.datasets._base import _find_local


def local_data_home(dataset, *filenames):
    """Return ``SKFRL_DATA_HOME`` if it holds ``dataset``'s files, else skip."""
    home = os.environ.get("SKFRL_DATA_HOME")
    if not home:
        pytest.skip(
            f"SKFRL_DATA_HOME is not set; it must hold {dataset}/{filenames[0]}"
        )
    for filename in filenames:
        if _find_local(dataset, filename, home) is None:
            pytest.skip(f"{filename} is not in SKFRL_DATA_HOME={home}")
    return home


@pytest.fixture(scope="module")
def adult_home():
    return local_data_home("adult", "adult.data", "adult.test")


@pytest.fixture(scope="module")
def compas_home():
    return local_data_home("compas", "compas-scores-two-years.csv")


@pytest.fixture(scope="module")
def drug_home():
    return local_data_home("drug", "drug_consumption.data")


@pytest.fixture(scope="module")
def german_home():
    return local_data_home("german", "german.data")
