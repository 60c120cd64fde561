"""ProPublica's COMPAS two-year recidivism dataset."""

import pandas as pd

from ..utils._param_validation import StrOptions, validate_params
from ._base import FETCH_CONSTRAINTS, RemoteFile, _encode, _fetch_file, _make_bunch

__all__ = ["fetch_compas"]

# Pinned to a commit of propublica/compas-analysis, so the checksum holds.
_REMOTE = RemoteFile(
    "compas-scores-two-years.csv",
    "https://raw.githubusercontent.com/propublica/compas-analysis/"
    "bafff5da3f2e45eca6c2d5055faad269defd135a/compas-scores-two-years.csv",
    "c451db85908b2f7fef1d83203bedf6b71ecda0d5af468d82ae62178f91d0cc7d",
)
# Only these columns are read: names and dates of birth never leave the file.
_USECOLS = [
    "age", "age_cat", "sex", "race", "priors_count", "juv_fel_count",
    "juv_misd_count", "juv_other_count", "c_charge_degree",
    "days_b_screening_arrest", "is_recid", "score_text", "two_year_recid",
]  # fmt: skip
_FEATURES = [
    "age", "age_cat", "sex", "race", "priors_count", "juv_fel_count",
    "juv_misd_count", "juv_other_count", "c_charge_degree",
]  # fmt: skip
_CATEGORIES = {
    "age_cat": ["Less than 25", "25 - 45", "Greater than 45"],
    "sex": ["Female", "Male"],
    "race": [
        "African-American", "Asian", "Caucasian", "Hispanic", "Native American",
        "Other",
    ],
    "c_charge_degree": ["F", "M"],
}  # fmt: skip
# Privileged group (s = 1) per attribute, as in AIF360's CompasDataset.
_PRIVILEGED = {"race": "Caucasian", "sex": "Female"}


def _read_compas(data_home, download_if_missing):
    """Read the CSV and apply ProPublica's filters (6,172 rows)."""
    path = _fetch_file("compas", _REMOTE, data_home, download_if_missing)
    df = pd.read_csv(path, usecols=_USECOLS, keep_default_na=False, na_values=[""])
    keep = (
        df["days_b_screening_arrest"].between(-30, 30)
        & (df["is_recid"] != -1)
        & (df["c_charge_degree"] != "O")
        & (df["score_text"] != "N/A")
    )
    return df[keep].reset_index(drop=True)


@validate_params(
    FETCH_CONSTRAINTS | {"sensitive_attribute": [StrOptions({"race", "sex"})]},
    prefer_skip_nested_validation=True,
)
def fetch_compas(
    *,
    data_home=None,
    download_if_missing=True,
    as_frame=True,
    return_X_y_s=False,
    raw=False,
    sensitive_attribute="race",
):
    """Load ProPublica's COMPAS two-year recidivism dataset.

    Rows are filtered as in ProPublica's analysis (6,172 defendants). With
    ``sensitive_attribute="race"`` only African-American and Caucasian
    defendants are kept (5,278 rows). By default ``data`` is all numeric and
    **not** standardised: put a :class:`~sklearn.preprocessing.StandardScaler`
    first in your pipeline.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding ``compas-scores-two-years.csv``, directly or in a
        ``compas`` subfolder. See :func:`get_data_home`.
    download_if_missing : bool, default=True
        Download a missing file from ProPublica's GitHub repository into
        ``<data_home>/compas``.
    as_frame : bool, default=True
        Return pandas objects; otherwise numpy arrays (``data`` is float64, or
        object with ``raw=True``).
    return_X_y_s : bool, default=False
        Return ``(data, target, sensitive_features)`` instead of a Bunch.
    raw : bool, default=False
        Return the 8 selected columns unencoded (strings and integers).
    sensitive_attribute : {"race", "sex"}, default="race"
        ``"race"``: 1 for Caucasian, 0 for African-American. ``"sex"``: 1 for
        Female, 0 for Male (all 6,172 rows). The privileged group follows
        AIF360's ``CompasDataset``.

    Returns
    -------
    bunch : :class:`~sklearn.utils.Bunch`
        ``data`` of shape (5278, 12) for race or (6172, 16) for sex, ``target``
        (1 = re-offended within two years, ``two_year_recid``),
        ``sensitive_features`` (0/1), ``feature_names``, ``target_names``,
        ``frame`` (data, target and sensitive column; None unless ``as_frame``)
        and ``DESCR``.
    (data, target, sensitive_features) : tuple
        If ``return_X_y_s`` is True.

    Notes
    -----
    Filters (ProPublica): ``-30 <= days_b_screening_arrest <= 30``,
    ``is_recid != -1``, ``c_charge_degree != "O"``, ``score_text != "N/A"``.
    Features, the usual choice of fairness benchmarks (Mehrabi et al., 2021;
    AIF360): age; one-hot age_cat (3); one-hot sex (2) or race (6), whichever is
    not sensitive; priors_count, juv_fel_count, juv_misd_count,
    juv_other_count; one-hot c_charge_degree (F, M). COMPAS's own scores are
    left out, and names and dates of birth are never read.

    Source: J. Angwin, J. Larson, S. Mattu and L. Kirchner, "Machine Bias",
    ProPublica (2016), data from GitHub ``propublica/compas-analysis``. The
    repository states no licence: cite ProPublica and do not redistribute.

    Examples
    --------
    >>> from skfrl.datasets import fetch_compas
    >>> X, y, s = fetch_compas(return_X_y_s=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (5278, 12)
    """
    df = _read_compas(data_home, download_if_missing)
    if sensitive_attribute == "race":
        df = df[df["race"].isin(["African-American", "Caucasian"])]
    privileged = _PRIVILEGED[sensitive_attribute]
    sensitive = (df[sensitive_attribute] == privileged).rename(sensitive_attribute)
    target = df["two_year_recid"]
    features = [name for name in _FEATURES if name != sensitive_attribute]
    data = df[features] if raw else _encode(df[features], _CATEGORIES)
    return _make_bunch(
        data,
        target,
        sensitive,
        target_names=["no_recid", "recid"],
        descr="compas",
        as_frame=as_frame,
        return_X_y_s=return_X_y_s,
    )
