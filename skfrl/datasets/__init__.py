"""Fairness benchmark datasets and a synthetic generator with tunable leakage."""

from ._adult import fetch_adult
from ._base import get_data_home
from ._compas import fetch_compas
from ._drug import fetch_drug
from ._german import fetch_german
from ._synthetic import make_biased_classification

__all__ = [
    "fetch_adult",
    "fetch_compas",
    "fetch_drug",
    "fetch_german",
    "get_data_home",
    "make_biased_classification",
]
