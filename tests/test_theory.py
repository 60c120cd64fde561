import math

import numpy as np
import pytest

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.models import CFair
from skfrl.theory import bound_terms, min_poison_ratio


def test_min_poison_ratio_formula():
    assert min_poison_ratio(0.02, 0.5, 0.4) == pytest.approx(0.1)
    assert min_poison_ratio(0.0, 0.5, 0.4) == 0.0


@pytest.mark.parametrize("cosine", [0.0, -0.3])
def test_min_poison_ratio_is_infinite_without_alignment(cosine):
    assert min_poison_ratio(0.1, cosine, 1.0) == math.inf


@pytest.mark.parametrize(
    "args, name",
    [
        ((-1.0, 0.5, 1.0), "clean_grad_norm"),
        ((1.0, 2.0, 1.0), "cosine"),
        ((1.0, 0.5, -1), "poison_grad_norm"),
    ],
)
def test_min_poison_ratio_rejects_bad_values(args, name):
    with pytest.raises(ValueError, match=name):
        min_poison_ratio(*args)


def test_bound_terms_on_a_fitted_poisoner(biased_data):
    X, y, s = biased_data
    poisoner = FairRepresentationPoisoner(
        CFair(max_epochs=3, hidden_layer_sizes=(8,), n_components=4, random_state=0),
        attack=ENGAttack(max_iter=5),
        random_state=0,
    )
    X_res, y_res, s_res = poisoner.fit_resample(X, y, s)
    terms = bound_terms(poisoner, X, y, s, X_res, y_res, s_res)
    assert terms["clean_grad_norm"] > 0
    assert terms["poison_grad_norm"] > 0
    assert -1 <= terms["cosine"] <= 1
    assert terms["poison_ratio"] == pytest.approx(poisoner.n_poison_ / len(X))
    expected = min_poison_ratio(
        terms["clean_grad_norm"], terms["cosine"], terms["poison_grad_norm"]
    )
    assert terms["predicted_min_ratio"] == expected
    # the cosine the attack's history reports for its last step is close to this one
    last = poisoner.history_.iloc[-1]
    assert np.isfinite(last["matching_loss"])
