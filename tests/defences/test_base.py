"""The sanitiser contract on every sanitiser, and its shared behaviour."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression

from skfrl.attacks import FairRepresentationPoisoner
from skfrl.defences import (
    GradientNormSanitiser,
    KNNConsistencySanitiser,
    RecordValiditySanitiser,
    RepresentationOutlierSanitiser,
    SlabSanitiser,
    SpectralSignatureSanitiser,
    SphereSanitiser,
    is_sanitiser,
)
from skfrl.models import CFair
from skfrl.utils import FeatureDomain
from skfrl.utils.sanitiser_checks import check_sanitiser


def _sanitisers(victim, X):
    return [
        SphereSanitiser(),
        SphereSanitiser(within="class_group"),
        SlabSanitiser(),
        SlabSanitiser(direction="group", within="class_group"),
        KNNConsistencySanitiser(n_neighbors=5),
        KNNConsistencySanitiser(victim, prefit=True, attribute="both"),
        KNNConsistencySanitiser(
            CFair(max_epochs=1, hidden_layer_sizes=(4,), n_components=2),
            attribute="s",
        ),
        RepresentationOutlierSanitiser(victim, prefit=True),
        SpectralSignatureSanitiser(victim, prefit=True, n_projections=16),
        GradientNormSanitiser(victim, prefit=True, n_projections=16),
        RecordValiditySanitiser(FeatureDomain.box(X[:100])),
    ]


def test_every_sanitiser_keeps_the_contract(planted_data, tiny_victim):
    X, y, s, _ = planted_data
    for sanitiser in _sanitisers(tiny_victim, X):
        check_sanitiser(sanitiser, X, y, s)


def test_contamination_sets_how_many_rows_go(planted_data):
    X, y, s, _ = planted_data
    for contamination, expected in ((0.0, 0), (0.1, 22), (0.5, 110)):
        sanitiser = SphereSanitiser(contamination=contamination, random_state=0)
        X_kept, _, _ = sanitiser.fit_resample(X, y, s)
        assert sanitiser.n_removed_ == expected and len(X_kept) == len(X) - expected
    assert np.isinf(SphereSanitiser(contamination=0).fit(X, y, s).threshold_)


def test_ties_are_broken_at_random_not_by_position():
    X = np.zeros((100, 3), np.float32)  # every row scores the same
    y = np.arange(100) % 2
    removed = []
    for seed in range(3):
        kept = SphereSanitiser(random_state=seed).fit(X, y).sample_indices_
        removed.append(np.setdiff1d(np.arange(100), kept))
    assert not all(np.array_equal(r, np.arange(90, 100)) for r in removed)
    assert not np.array_equal(removed[0], removed[1])


def test_without_s_it_is_a_plain_sampler(planted_data):
    X, y, s, _ = planted_data
    X_kept, y_kept = SphereSanitiser(random_state=0).fit_resample(X, y)
    assert len(X_kept) == len(y_kept) == len(X) - 22
    with pytest.raises(ValueError, match="needs sensitive_features"):
        SlabSanitiser(direction="group").fit_resample(X, y)


def test_bad_inputs_raise_clear_errors(planted_data):
    X, y, s, _ = planted_data
    with pytest.raises(ValueError, match="contamination"):
        SphereSanitiser(contamination=0.7).fit_resample(X, y, s)
    with pytest.raises(ValueError, match="sensitive_features has 3 samples"):
        SphereSanitiser().fit_resample(X, y, s[:3])
    with pytest.raises(ValueError, match="requires y"):
        SphereSanitiser().fit_resample(X, None, s)
    with pytest.raises(ValueError, match="both sensitive_features and"):
        SphereSanitiser(sensitive_feature_ids=[0]).fit_resample(X, y, s)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SphereSanitiser().fit_resample(X_nan, y, s)


class _NaNSanitiser(SphereSanitiser):
    def _score_samples(self, X, y, s, rng):
        return np.full(len(X), np.nan)


def test_non_finite_scores_raise_instead_of_being_returned(planted_data):
    X, y, s, _ = planted_data
    with pytest.raises(FloatingPointError, match="NaN or infinite"):
        _NaNSanitiser().fit_resample(X, y, s)


def test_a_sanitiser_follows_the_poisoner_in_an_imblearn_pipeline(planted_data):
    X, y, s, _ = planted_data
    Xs = np.column_stack([X, s])
    victim = CFair(
        max_epochs=1,
        hidden_layer_sizes=(4,),
        n_components=2,
        sensitive_feature_ids=[-1],
        random_state=0,
    )
    pipeline = Pipeline(
        [
            (
                "poison",
                FairRepresentationPoisoner(
                    victim,
                    attack="duplicate",
                    sensitive_feature_ids=[-1],
                    random_state=0,
                ),
            ),
            ("sanitise", SphereSanitiser(sensitive_feature_ids=[-1], random_state=0)),
            ("frl", victim),
            ("clf", LogisticRegression()),
        ]
    )
    pipeline.fit(Xs, y)
    sanitiser = pipeline.named_steps["sanitise"]
    n_resampled = len(X) + pipeline.named_steps["poison"].n_poison_
    assert len(sanitiser.decision_scores_) == n_resampled
    assert pipeline.predict(Xs).shape == (len(X),)


def test_is_sanitiser():
    assert is_sanitiser(SphereSanitiser())
    assert not is_sanitiser(FairRepresentationPoisoner(CFair()))


def test_pandas_index_of_the_kept_rows_survives(planted_data):
    X, y, s, _ = planted_data
    frame = pd.DataFrame(X, index=np.arange(len(X)) * 10)
    X_kept, _, _ = SphereSanitiser(random_state=0).fit_resample(frame, y, s)
    sanitiser = SphereSanitiser(random_state=0).fit(frame, y, s)
    np.testing.assert_array_equal(X_kept.index, sanitiser.sample_indices_ * 10)
