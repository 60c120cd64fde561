"""Saving and loading fitted models without unpickling code."""

import pickle

import numpy as np
import pandas as pd
import pytest

from skfrl.models import ICVAE, AdvFRL, CFair, SupervisedEncoder, load_model, save_model

TINY = dict(max_epochs=2, hidden_layer_sizes=(8,), batch_size=32, random_state=0)
MODELS = [
    CFair(**TINY),
    CFair(class_weight=None, **TINY),
    AdvFRL(**TINY),
    ICVAE(**TINY),
    ICVAE(supervised=False, **TINY),
    SupervisedEncoder(**TINY),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: repr(m)[:40])
def test_a_loaded_model_transforms_exactly_as_the_saved_one(
    model, biased_data, tmp_path
):
    X, y, s = biased_data
    model.fit(X, y, sensitive_features=s)
    loaded = load_model(save_model(model, tmp_path / "model.pt"))
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.transform(X), model.transform(X))
    np.testing.assert_array_equal(loaded.sensitive_groups_, model.sensitive_groups_)
    assert loaded.n_iter_ == model.n_iter_
    loaded.partial_fit(X, y, sensitive_features=s)  # training goes on
    assert loaded.n_iter_ == model.n_iter_ + 1


def test_labels_names_and_two_sensitive_columns_survive(biased_data, tmp_path):
    X, y, s = biased_data
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    s2 = np.c_[s, 1 - s] * [1, 7]
    model = CFair(**TINY).fit(
        frame, np.where(y == 1, "yes", "no"), sensitive_features=s2
    )
    loaded = load_model(save_model(model, tmp_path / "m.pt"))
    assert loaded.classes_.tolist() == ["no", "yes"]
    assert loaded.feature_names_in_.tolist() == list(frame.columns)
    assert [tuple(g) for g in loaded.sensitive_groups_] == [
        tuple(g) for g in model.sensitive_groups_
    ]
    np.testing.assert_array_equal(loaded.transform(frame), model.transform(frame))


class _Payload:
    def __reduce__(self):
        return (print, ("this ran",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_a_file_holding_code_is_refused_without_running_it(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"format": 1, "payload": _Payload()}))
    with pytest.raises(ValueError, match="not a model file"):
        load_model(path)
    assert "this ran" not in capsys.readouterr().out


def test_what_cannot_be_saved_or_loaded_is_named(biased_data, tmp_path):
    from sklearn.decomposition import PCA

    X, y, s = biased_data
    with pytest.raises(TypeError, match="saves skfrl's models"):
        save_model(PCA().fit(X), tmp_path / "pca.pt")
    import torch

    torch.save({"format": 1, "class": "os.system"}, tmp_path / "odd.pt")
    with pytest.raises(ValueError, match="not one of skfrl's models"):
        load_model(tmp_path / "odd.pt")
