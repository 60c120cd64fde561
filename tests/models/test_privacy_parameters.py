"""DP-SGD as a victim parameter: per_sample_clip_norm and noise_multiplier."""

import copy

import numpy as np
import pytest

from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder

TINY = dict(max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0)


@pytest.mark.parametrize("Model", [CFair, AdvFRL, SupervisedEncoder])
def test_a_loose_clip_trains_as_usual_and_a_tight_one_does_not(Model, biased_data):
    X, y, s = biased_data
    plain = Model(**TINY).fit(X, y, sensitive_features=s).transform(X)
    loose = Model(**TINY, per_sample_clip_norm=1e9).fit(X, y, sensitive_features=s)
    np.testing.assert_allclose(loose.transform(X), plain, atol=1e-5)
    tight = Model(**TINY, per_sample_clip_norm=0.01, noise_multiplier=1.0)
    Z = tight.fit(X, y, sensitive_features=s).transform(X)
    assert np.isfinite(Z).all() and np.abs(Z - plain).max() > 1e-3
    again = Model(**TINY, per_sample_clip_norm=0.01, noise_multiplier=1.0)
    np.testing.assert_array_equal(again.fit(X, y, sensitive_features=s).transform(X), Z)


def test_a_fitted_model_can_be_fine_tuned_privately(biased_data):
    X, y, s = biased_data
    theta0 = CFair(**TINY).fit(X, y, sensitive_features=s)
    plain = copy.deepcopy(theta0).partial_fit(X, y, sensitive_features=s)
    private = copy.deepcopy(theta0).set_params(
        per_sample_clip_norm=0.01, noise_multiplier=0.5
    )
    private.partial_fit(X, y, sensitive_features=s)
    assert np.abs(private.transform(X) - plain.transform(X)).max() > 1e-4
    assert theta0.per_sample_clip_norm is None  # the copy, not θ0, changed


def test_bad_privacy_parameters_name_themselves(biased_data):
    X, y, s = biased_data
    with pytest.raises(
        ValueError, match="noise_multiplier=1.0 needs per_sample_clip_norm"
    ):
        CFair(**TINY, noise_multiplier=1.0).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="'per_sample_clip_norm' parameter"):
        CFair(**TINY, per_sample_clip_norm=0).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="'noise_multiplier' parameter"):
        CFair(**TINY, per_sample_clip_norm=1.0, noise_multiplier=-1).fit(X, y)
    # ICVAE's pairwise KL couples the rows of a batch: it has no such parameter
    with pytest.raises(TypeError, match="per_sample_clip_norm"):
        ICVAE(per_sample_clip_norm=1.0)
