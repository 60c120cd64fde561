"""The models and ENG on a CUDA device (skipped without one)."""

import numpy as np
import pytest
import torch

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.models import ICVAE, CFair

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


@pytest.mark.parametrize("Model", [CFair, ICVAE])
def test_model_trains_and_encodes_on_cuda(Model, biased_data):
    X, y, s = biased_data
    model = Model(max_epochs=2, device="cuda", random_state=0)
    Z = model.fit(X, y, sensitive_features=s).transform(X)
    assert Z.dtype == np.float32 and np.isfinite(Z).all()
    assert model.encode_tensor(X).device.type == "cuda"
    model.partial_fit(X, y, sensitive_features=s)
    assert model.n_iter_ == 3


def test_eng_crafts_on_cuda(biased_data):
    X, y, s = biased_data
    poisoner = FairRepresentationPoisoner(
        CFair(max_epochs=2, device="cuda", random_state=0),
        attack=ENGAttack(max_iter=3),
        random_state=0,
    )
    X_res, _, _ = poisoner.fit_resample(X, y, s)
    assert X_res.shape[0] == len(X) + poisoner.n_poison_
    assert np.isfinite(X_res).all()
