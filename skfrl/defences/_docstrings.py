"""Parameter and attribute descriptions shared by the sanitisers' docstrings."""

COMMON_PARAMETERS = """\
contamination : float in [0, 0.5], default=0.1
        Share of the rows removed: the highest-scoring ones, ties broken at
        random (never by position: poisons come last).
    sensitive_feature_ids : int, str or list, default=None
        Column mode: the columns of ``X`` holding ``s``. They are left out of
        the scores and stay in the returned ``X``, so the sanitiser can follow
        a poisoner in an ``imblearn.pipeline.Pipeline``.
    random_state : int, RandomState instance or None, default=None
        Breaks ties between equal scores (and seeds what the sanitiser draws)."""

PREFIT_PARAMETER = """\
prefit : bool, default=False
        If True, ``estimator`` is fitted already and used as is; otherwise a
        clone (seeded by ``random_state`` when its own is None) is fitted on
        the data being sanitised, poisons included, into ``estimator_``."""

VICTIM_PARAMETERS = f"""\
estimator : estimator
        The defender's model of the representation: a transformer trained by
        ``fit(X, y, sensitive_features=s)``. Under fine-tuning this is the
        deployed clean model θ0, passed with ``prefit=True``. Never modified.
    {PREFIT_PARAMETER}"""

FITTED_ATTRIBUTES = """\
decision_scores_ : ndarray of shape (n_samples,)
        One suspicion score per input row (higher = more suspicious, PyOD's
        convention), for scoring detection without a threshold.
    threshold_ : float
        The lowest score removed (``inf`` when nothing is).
    sample_indices_ : ndarray of shape (n_kept,)
        Positions of the kept rows in the input, increasing.
    n_removed_ : int
        Number of rows removed.
    n_features_in_ : int
        Number of columns of the input ``X`` (sensitive columns included).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns, when ``X`` was a DataFrame with string names."""


def fill_docstring(cls):
    """Insert the shared text into ``cls.__doc__`` and return ``cls``.

    Plain replacement of ``{common_parameters}``, ``{victim_parameters}``,
    ``{prefit_parameter}`` and ``{fitted_attributes}``, so the LaTeX braces
    of ``Notes`` stay intact.
    """
    doc = cls.__doc__
    for marker, text in (
        ("{common_parameters}", COMMON_PARAMETERS),
        ("{victim_parameters}", VICTIM_PARAMETERS),
        ("{prefit_parameter}", PREFIT_PARAMETER),
        ("{fitted_attributes}", FITTED_ATTRIBUTES),
    ):
        doc = doc.replace(marker, text)
    cls.__doc__ = doc
    return cls
