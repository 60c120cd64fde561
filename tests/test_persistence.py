"""Poisoners written and read in torch's weights-only format."""

import io
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.models import AdvFRL, CFair
from skfrl.persistence import load_poisoner, save_poisoner
from skfrl.utils import FeatureDomain

TINY = dict(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)


def _assert_same_fitted_state(loaded, poisoner, X):
    for key in (
        "n_poison_",
        "poison_mask_",
        "sample_indices_",
        "perturbations_",
        "target_indices_",
    ):
        np.testing.assert_array_equal(getattr(loaded, key), getattr(poisoner, key))
    for key in ("perturbation_norms_", "field_changes_"):
        pd.testing.assert_frame_equal(getattr(loaded, key), getattr(poisoner, key))
    np.testing.assert_array_equal(
        loaded.estimator_.transform(X), poisoner.estimator_.transform(X)
    )
    domain, saved = loaded.feature_domain_, poisoner.feature_domain_
    np.testing.assert_array_equal(domain.project(X), saved.project(X))
    assert domain.groups == saved.groups and domain.field_names == saved.field_names


def test_an_eng_poisoner_round_trips(biased_data, tmp_path):
    X, y, s = biased_data
    poisoner = FairRepresentationPoisoner(
        CFair(**TINY), attack=ENGAttack(max_iter=3), random_state=0
    )
    poisoner.fit_resample(X, y, s)
    loaded = load_poisoner(save_poisoner(poisoner, tmp_path / "p.pt"))
    _assert_same_fitted_state(loaded, poisoner, X)
    assert loaded.get_params()["attack__max_iter"] == 3
    assert loaded.surrogate_ is loaded.estimator_
    pd.testing.assert_frame_equal(loaded.history_, poisoner.history_)
    pd.testing.assert_frame_equal(loaded.attack_.history_, poisoner.attack_.history_)
    assert loaded.attack_.matching_loss_ == poisoner.attack_.matching_loss_
    # the loaded poisoner is a working estimator: it refits to the same poisons
    again = loaded.fit_resample(X, y, s)
    np.testing.assert_array_equal(again[0], poisoner.fit_resample(X, y, s)[0])


def test_transfer_box_and_explicit_domains_round_trip(biased_data):
    X, y, s = biased_data
    for params in (
        dict(surrogate=AdvFRL(**TINY), feature_domain="box"),
        dict(feature_domain=FeatureDomain.from_data(X), sensitive_feature_ids=None),
    ):
        poisoner = FairRepresentationPoisoner(
            CFair(**TINY), attack="raa", random_state=0, **params
        )
        poisoner.fit_resample(X, y, s)
        buffer = io.BytesIO()
        save_poisoner(poisoner, buffer)
        buffer.seek(0)
        loaded = load_poisoner(buffer)
        _assert_same_fitted_state(loaded, poisoner, X)
        if "surrogate" in params:
            assert isinstance(loaded.surrogate_, AdvFRL)
            np.testing.assert_array_equal(
                loaded.surrogate_.transform(X), poisoner.surrogate_.transform(X)
            )


def test_prefit_victims_and_dataframes_round_trip(biased_data, tmp_path):
    X, y, s = biased_data
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    theta0 = CFair(**TINY, random_state=0).fit(frame, y, sensitive_features=s)
    poisoner = FairRepresentationPoisoner(
        theta0, attack="duplicate", prefit=True, random_state=0
    )
    poisoner.fit_resample(frame, y, s)
    loaded = load_poisoner(save_poisoner(poisoner, tmp_path / "p.pt"))
    np.testing.assert_array_equal(loaded.feature_names_in_, poisoner.feature_names_in_)
    np.testing.assert_array_equal(
        loaded.estimator.transform(frame), theta0.transform(frame)
    )


def test_what_would_need_pickling_is_refused(biased_data, tmp_path):
    X, y, s = biased_data

    class _PCA(PCA):
        def fit(self, X, y=None, sensitive_features=None):
            return super().fit(X)

    poisoner = FairRepresentationPoisoner(_PCA(2), attack="duplicate", random_state=0)
    poisoner.fit_resample(X, y, s)
    with pytest.raises(TypeError, match="skfrl's models"):
        save_poisoner(poisoner, tmp_path / "p.pt")
    with pytest.raises(ValueError, match="not fitted"):
        save_poisoner(FairRepresentationPoisoner(CFair()), tmp_path / "p.pt")
    with pytest.raises(TypeError, match="save_model for a model"):
        save_poisoner(CFair(), tmp_path / "p.pt")


class _Exploit:
    def __reduce__(self):
        return (print, ("code ran",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_a_tampered_file_is_refused_without_running_it(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"format": 1, "payload": _Exploit()}))
    with pytest.raises(ValueError, match="not a file of skfrl.persistence"):
        load_poisoner(path)
    assert "code ran" not in capsys.readouterr().out
    import torch

    torch.save({"format": 2}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a file of"):
        load_poisoner(tmp_path / "other.pt")
