"""The UCI Drug Consumption (Quantified) dataset."""

import numpy as np
import pandas as pd

from ..utils._param_validation import StrOptions, validate_params
from ._base import FETCH_CONSTRAINTS, RemoteFile, _fetch_file, _make_bunch

__all__ = ["fetch_drug"]

_REMOTE = RemoteFile(
    "drug_consumption.data",
    "https://archive.ics.uci.edu/ml/machine-learning-databases/00373/"
    "drug_consumption.data",
    "90b8cf500b07ad455baf9fe1dc519998c75a1df6d87f6bd7069176f0826ea8c1",
)
_FEATURES = [
    "age", "gender", "education", "country", "ethnicity", "nscore", "escore",
    "oscore", "ascore", "cscore", "impulsive", "ss",
]  # fmt: skip
_DRUGS = (
    "alcohol", "amphet", "amyl", "benzos", "caff", "cannabis", "choc", "coke",
    "crack", "ecstasy", "heroin", "ketamine", "legalh", "lsd", "meth",
    "mushrooms", "nicotine", "semer", "vsa",
)  # fmt: skip
# Quantified value -> category, from the UCI documentation; used by raw=True.
_DECODE = {
    "age": {
        -0.95197: "18-24", -0.07854: "25-34", 0.49788: "35-44", 1.09449: "45-54",
        1.82213: "55-64", 2.59171: "65+",
    },
    "gender": {0.48246: "Female", -0.48246: "Male"},
    "education": {
        -2.43591: "Left school before 16 years", -1.73790: "Left school at 16 years",
        -1.43719: "Left school at 17 years", -1.22751: "Left school at 18 years",
        -0.61113: "Some college or university, no certificate or degree",
        -0.05921: "Professional certificate/diploma", 0.45468: "University degree",
        1.16365: "Masters degree", 1.98437: "Doctorate degree",
    },
    "country": {
        -0.09765: "Australia", 0.24923: "Canada", -0.46841: "New Zealand",
        -0.28519: "Other", 0.21128: "Republic of Ireland", 0.96082: "UK",
        -0.57009: "USA",
    },
    "ethnicity": {
        -0.50212: "Asian", -1.10702: "Black", 1.90725: "Mixed-Black/Asian",
        0.12600: "Mixed-White/Asian", -0.22166: "Mixed-White/Black",
        0.11440: "Other", -0.31685: "White",
    },
}  # fmt: skip
# Privileged group (s = 1) per attribute: male, and White vs every other group.
_PRIVILEGED = {"gender": "Male", "ethnicity": "White"}


def _read_drug(data_home, download_if_missing):
    """Read the file; demographic columns are decoded into category names."""
    path = _fetch_file("drug", _REMOTE, data_home, download_if_missing)
    df = pd.read_csv(path, header=None, names=["id", *_FEATURES, *_DRUGS])
    decoded = {}
    for name, mapping in _DECODE.items():
        decoded[name] = df[name].round(5).map(mapping)
        if decoded[name].isna().any():
            raise ValueError(f"Unexpected quantified values in column {name!r}.")
    return df, pd.DataFrame(decoded)


@validate_params(
    FETCH_CONSTRAINTS
    | {
        "drug": [StrOptions(set(_DRUGS))],
        "sensitive_attribute": [StrOptions({"gender", "ethnicity"})],
    },
    prefer_skip_nested_validation=True,
)
def fetch_drug(
    *,
    data_home=None,
    download_if_missing=True,
    as_frame=True,
    return_X_y_s=False,
    raw=False,
    drug="cannabis",
    sensitive_attribute="gender",
):
    """Load the UCI Drug Consumption (Quantified) dataset (1,885 respondents).

    The target says whether a respondent used ``drug`` within the last decade.
    By default ``data`` holds the 12 quantified (already numeric) columns of
    the file minus the sensitive one: age, gender, education, country,
    ethnicity, the five NEO-FFI-R personality scores, impulsiveness and
    sensation seeking. They are **not** standardised: put a
    :class:`~sklearn.preprocessing.StandardScaler` first in your pipeline.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding ``drug_consumption.data``, directly or in a ``drug``
        subfolder. See :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download a missing file from the UCI archive into ``<data_home>/drug``.
    as_frame : bool, default=True
        Return pandas objects; otherwise numpy arrays (``data`` is float64, or
        object with ``raw=True``).
    return_X_y_s : bool, default=False
        Return ``(data, target, sensitive_features)`` instead of a Bunch.
    raw : bool, default=False
        Return age band, gender, education, country and ethnicity as category
        names (strings) rather than quantified numbers.
    drug : str, default="cannabis"
        One of the 19 drug columns: "alcohol", "amphet", "amyl", "benzos",
        "caff", "cannabis", "choc", "coke", "crack", "ecstasy", "heroin",
        "ketamine", "legalh", "lsd", "meth", "mushrooms", "nicotine", "semer"
        (a fictitious control drug) or "vsa".
    sensitive_attribute : {"gender", "ethnicity"}, default="gender"
        ``"gender"``: 1 for male, 0 for female. ``"ethnicity"``: 1 for White,
        0 for every other group.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` of shape (1885, 11), ``target`` (1 = used in the last decade,
        classes CL2 to CL6; 0 = never or over a decade ago, CL0 and CL1),
        ``sensitive_features`` (0/1), ``feature_names``, ``target_names``,
        ``frame`` (data, target and sensitive column; None unless ``as_frame``)
        and ``DESCR``.
    (data, target, sensitive_features) : tuple
        If ``return_X_y_s`` is True.

    Notes
    -----
    No sensitive group is privileged by convention for this dataset; male and
    White are coded 1 here. The other 18 drug columns are not features.

    Source: UCI Machine Learning Repository, "Drug consumption (quantified)",
    licence CC BY 4.0. Cite E. Fehrman, A. K. Muhammad, E. M. Mirkes, V. Egan
    and A. N. Gorban, "The Five Factor Model of personality and evaluation of
    drug consumption risk" (2017), arXiv:1506.06297.

    Examples
    --------
    >>> from skfrl.datasets import fetch_drug
    >>> X, y, s = fetch_drug(drug="heroin", return_X_y_s=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (1885, 11)
    """
    df, decoded = _read_drug(data_home, download_if_missing)
    privileged = _PRIVILEGED[sensitive_attribute]
    sensitive = (decoded[sensitive_attribute] == privileged).rename(sensitive_attribute)
    target = df[drug].isin(["CL2", "CL3", "CL4", "CL5", "CL6"]).rename(drug)
    data = df[_FEATURES].astype(np.float64)
    if raw:
        data = pd.concat([decoded, data.drop(columns=list(decoded))], axis=1)
        data = data[_FEATURES]
    data = data.drop(columns=sensitive_attribute)
    return _make_bunch(
        data,
        target,
        sensitive,
        target_names=["non-user", "user"],
        descr="drug",
        as_frame=as_frame,
        return_X_y_s=return_X_y_s,
    )
