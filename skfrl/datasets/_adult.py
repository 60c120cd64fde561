"""The UCI Adult (Census Income) dataset, encoded as in Reddy et al. (2021)."""

import numpy as np
import pandas as pd

from ..utils._param_validation import StrOptions, validate_params
from ._base import FETCH_CONSTRAINTS, RemoteFile, _fetch_file, _make_bunch, _one_hot

__all__ = ["fetch_adult"]

_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/"
_TRAIN = RemoteFile(
    "adult.data",
    _URL + "adult.data",
    "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
)
_TEST = RemoteFile(
    "adult.test",
    _URL + "adult.test",
    "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
)
_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
    "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
    "hours-per-week", "native-country", "income",
]  # fmt: skip
# Full category lists of adult.names ('?' rows are dropped), so the encoded
# columns never depend on the rows present.
_CATEGORIES = {
    "workclass": [
        "Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov",
        "State-gov", "Without-pay", "Never-worked",
    ],
    "education": [
        "Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm",
        "Assoc-voc", "9th", "7th-8th", "12th", "Masters", "1st-4th", "10th",
        "Doctorate", "5th-6th", "Preschool",
    ],
    "marital-status": [
        "Married-civ-spouse", "Divorced", "Never-married", "Separated", "Widowed",
        "Married-spouse-absent", "Married-AF-spouse",
    ],
    "occupation": [
        "Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial",
        "Prof-specialty", "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical",
        "Farming-fishing", "Transport-moving", "Priv-house-serv", "Protective-serv",
        "Armed-Forces",
    ],
    "relationship": [
        "Wife", "Own-child", "Husband", "Not-in-family", "Other-relative", "Unmarried",
    ],
    "race": ["White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"],
    "sex": ["Female", "Male"],
    "native-country": [
        "United-States", "Cambodia", "England", "Puerto-Rico", "Canada", "Germany",
        "Outlying-US(Guam-USVI-etc)", "India", "Japan", "Greece", "South", "China",
        "Cuba", "Iran", "Honduras", "Philippines", "Italy", "Poland", "Jamaica",
        "Vietnam", "Mexico", "Portugal", "Ireland", "France", "Dominican-Republic",
        "Laos", "Ecuador", "Taiwan", "Haiti", "Columbia", "Hungary", "Guatemala",
        "Nicaragua", "Scotland", "Thailand", "Yugoslavia", "El-Salvador",
        "Trinadad&Tobago", "Peru", "Hong", "Holand-Netherlands",
    ],
}  # fmt: skip
# Reddy et al. bucket age into right-closed bins: <=18, (18,25], ..., >65.
_AGE_EDGES = [18, 25, 30, 35, 40, 45, 50, 55, 60, 65]
_NUMERIC = ["education-num", "capital-gain", "capital-loss", "hours-per-week"]
_SENSITIVE_RULES = {"sex": ("sex", "Male"), "race": ("race", "White")}


def _read_adult(data_home, download_if_missing):
    """Read adult.data and adult.test into one frame without '?' rows."""
    frames = []
    for remote, skiprows in ((_TRAIN, 0), (_TEST, 1)):
        path = _fetch_file("adult", remote, data_home, download_if_missing)
        frames.append(
            pd.read_csv(
                path,
                header=None,
                names=_COLUMNS,
                skiprows=skiprows,
                skipinitialspace=True,
                na_values="?",
                keep_default_na=False,
            )
        )
    df = pd.concat(frames, ignore_index=True).dropna(ignore_index=True)
    df["income"] = df["income"].str.rstrip(".")
    return df


def _bucket_age(age):
    """One-hot encode ``age`` into the 11 bins of Reddy et al."""
    edges = [-np.inf, *_AGE_EDGES, np.inf]
    labels = [f"({lo:g},{hi:g}]" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    labels[-1] = labels[-1].replace("]", ")")
    bins = pd.cut(age, bins=edges, labels=labels, right=True)
    return _one_hot(bins.astype(str), labels, "age")


def _encode(df):
    """Return the all-numeric encoding: one-hot categories, raw numbers."""
    parts = []
    for name in df.columns:
        if name == "age":
            parts.append(_bucket_age(df[name]))
        elif name in _CATEGORIES:
            parts.append(_one_hot(df[name], _CATEGORIES[name], name))
        elif name in _NUMERIC:
            parts.append(df[[name]].astype(np.float64))
    return pd.concat(parts, axis=1)


@validate_params(
    FETCH_CONSTRAINTS | {"sensitive_attribute": [StrOptions({"sex", "race"})]},
    prefer_skip_nested_validation=True,
)
def fetch_adult(
    *,
    data_home=None,
    download_if_missing=True,
    as_frame=True,
    return_X_y_s=False,
    raw=False,
    sensitive_attribute="sex",
):
    """Load the UCI Adult dataset (income above 50K, 45,222 people).

    adult.data and adult.test are combined and rows with a missing value ('?')
    dropped. By default ``data`` holds the 112-column numeric encoding of
    Reddy et al. (2021), used by the FRL poisoning paper. It is **not**
    standardised: put a :class:`~sklearn.preprocessing.StandardScaler` first in
    your pipeline.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding ``adult.data`` and ``adult.test``, directly or in an
        ``adult`` subfolder. See :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download missing files from the UCI archive into ``<data_home>/adult``.
    as_frame : bool, default=True
        Return pandas objects; otherwise numpy arrays (``data`` is float64, or
        object with ``raw=True``).
    return_X_y_s : bool, default=False
        Return ``(data, target, sensitive_features)`` instead of a Bunch.
    raw : bool, default=False
        Return the original columns (strings and integers, ``fnlwgt`` included)
        instead of the encoding, for your own ``ColumnTransformer``.
    sensitive_attribute : {"sex", "race"}, default="sex"
        ``"sex"``: 1 for Male, 0 for Female. ``"race"``: 1 for White, 0 for
        every other group; ``sex`` then becomes two one-hot features (109 in all).

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` of shape (45222, 112), ``target`` (1 = income above 50K),
        ``sensitive_features`` (0/1), ``feature_names``, ``target_names``,
        ``frame`` (data, target and sensitive column; None unless ``as_frame``)
        and ``DESCR``.
    (data, target, sensitive_features) : tuple
        If ``return_X_y_s`` is True.

    Notes
    -----
    Encoding (Reddy et al., ``dataloaders/adult_process.py``): age in 11
    right-closed bins with edges 18, 25, ..., 65; one-hot workclass (8),
    education (16), marital-status (7), occupation (14), relationship (6), race
    (5) and native-country (41) over the full category lists of
    ``adult.names``; education-num, capital-gain, capital-loss and
    hours-per-week as numbers; ``fnlwgt`` and the sensitive column dropped.

    Source: UCI Machine Learning Repository, extracted by Barry Becker from the
    1994 US Census; licence CC BY 4.0. Cite Kohavi (1996), "Scaling Up the
    Accuracy of Naive-Bayes Classifiers: a Decision-Tree Hybrid", KDD-96.

    Examples
    --------
    >>> from skfrl.datasets import fetch_adult
    >>> X, y, s = fetch_adult(return_X_y_s=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (45222, 112)
    """
    df = _read_adult(data_home, download_if_missing)
    column, privileged = _SENSITIVE_RULES[sensitive_attribute]
    sensitive = (df[column] == privileged).rename(sensitive_attribute)
    target = (df["income"] == ">50K").rename("income")
    data = df.drop(columns=[column, "income"])
    if not raw:
        data = _encode(data)
    return _make_bunch(
        data,
        target,
        sensitive,
        target_names=["<=50K", ">50K"],
        descr="adult",
        as_frame=as_frame,
        return_X_y_s=return_X_y_s,
    )
