import math

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, TransformerMixin

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.models import ICVAE, CFair
from skfrl.utils import FeatureDomain


def eng_poisoner(attack, random_state=0, **params):
    victim = CFair(
        max_epochs=1,
        hidden_layer_sizes=(8,),
        n_components=4,
        batch_size=64,
        random_state=0,
    )
    return FairRepresentationPoisoner(
        victim, attack=attack, random_state=random_state, **params
    )


@pytest.mark.parametrize("domain", ["infer", "box"])
def test_poisons_stay_in_the_training_range(domain, biased_data):
    X, y, s = biased_data
    poisoner = eng_poisoner(
        ENGAttack(max_iter=3, init_scale=1.0), feature_domain=domain
    )
    X_res, _, _ = poisoner.fit_resample(X, y, s)
    low, high = X.min(0), X.max(0)
    assert (X_res[len(X) :] >= low).all() and (X_res[len(X) :] <= high).all()
    attack = poisoner.attack_
    assert attack.matching_loss_ == pytest.approx(attack.relaxed_matching_loss_)


def test_l1_weight_makes_perturbations_sparse(biased_data):
    mean_l0 = {}
    for l1_weight in (0.0, 1.0):
        poisoner = eng_poisoner(ENGAttack(max_iter=10, l1_weight=l1_weight))
        poisoner.fit_resample(*biased_data)
        mean_l0[l1_weight] = poisoner.perturbation_norms_["l0"].mean()
    assert mean_l0[0.0] > 5  # of 6 features
    assert mean_l0[1.0] < mean_l0[0.0] / 2


def test_history_has_one_row_per_step_and_restart(biased_data):
    poisoner = eng_poisoner(ENGAttack(max_iter=4, n_init=2))
    poisoner.fit_resample(*biased_data)
    history = poisoner.history_
    assert history is poisoner.attack_.history_
    assert len(history) == 8
    assert_array_equal(history["restart"], np.repeat([0, 1], 4))
    assert_array_equal(history["step"], np.tile(np.arange(1, 5), 2))
    expected = {"matching_loss", "proxy_slope", "poison_grad_norm", "pull_ratio"}
    assert expected | {"l0", "l1", "l2"} <= set(history.columns)
    # the first step's poisons are their base rows, barely moved
    assert history["pull_ratio"].iloc[0] == pytest.approx(1.0, abs=0.1)
    assert poisoner.attack_.best_restart_ in (0, 1)


def test_same_seed_same_poisons(biased_data):
    def run(seed):
        return eng_poisoner(ENGAttack(max_iter=3), random_state=seed).fit_resample(
            *biased_data
        )

    first, second, other = run(0), run(0), run(1)
    for a, b in zip(first, second, strict=True):
        assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("flip", [False, True])
def test_poisons_keep_labels_and_flip_groups_on_request(flip, biased_data):
    X, y, s = biased_data
    poisoner = eng_poisoner(ENGAttack(max_iter=2, flip_sensitive=flip))
    _, y_res, s_res = poisoner.fit_resample(X, y, s)
    base = poisoner.sample_indices_[len(X) :]
    assert_array_equal(y_res[len(X) :], y[base])
    assert_array_equal(s_res[len(X) :], 1 - s[base] if flip else s[base])


def test_retrain_protocol_crafts_on_surrogates(biased_data):
    attack = ENGAttack(max_iter=2, n_surrogates=2)
    poisoner = eng_poisoner(attack, protocol="retrain", poison_ratio=0.05)
    X_res, _, _ = poisoner.fit_resample(*biased_data)
    assert len(X_res) == 420
    assert len(poisoner.history_) == 2 * 2  # n_init defaults to 2 under retrain


def test_lookahead_matches_along_the_finetune_trajectory(biased_data, monkeypatch):
    seen = []
    original = ENGAttack._surrogates

    def spy(self, *args, **kwargs):
        surrogates = original(self, *args, **kwargs)
        seen.append([s.n_iter_ for s in surrogates])
        return surrogates

    monkeypatch.setattr(ENGAttack, "_surrogates", spy)
    for match_epochs in [(0, 1, 2), (2,), (3, 1)]:
        poisoner = eng_poisoner(ENGAttack(max_iter=2, match_epochs=match_epochs))
        poisoner.fit_resample(*biased_data)
        assert poisoner.estimator_.n_iter_ == 1
    # θ0 (1 epoch), then copies continued 1, 2 or 3 more epochs
    assert seen == [[1, 2, 3], [3], [2, 4]]


def test_proxy_clean_is_measured_at_theta0(biased_data):
    proxies = [
        eng_poisoner(ENGAttack(max_iter=1, match_epochs=epochs))
        .fit(*biased_data)
        .attack_.proxy_clean_
        for epochs in [(0,), (2,)]
    ]
    assert proxies[0] == pytest.approx(proxies[1])


@pytest.mark.parametrize("match_epochs", [(), (1, 1), (-1,), (0.5,)])
def test_bad_match_epochs_raise(match_epochs, biased_data):
    poisoner = eng_poisoner(ENGAttack(max_iter=1, match_epochs=match_epochs))
    with pytest.raises(ValueError, match="match_epochs"):
        poisoner.fit_resample(*biased_data)


@pytest.mark.parametrize("proxy", ["sfld", "euclidean", "probe_bce"])
def test_every_proxy_crafts_finite_poisons(proxy, biased_data):
    poisoner = eng_poisoner(ENGAttack(max_iter=2, proxy=proxy))
    X_res, _, _ = poisoner.fit_resample(*biased_data)
    assert np.isfinite(X_res).all()
    assert np.isfinite(poisoner.attack_.proxy_clean_)


def test_resolved_params_fill_the_protocol_defaults():
    assert ENGAttack().resolved_params("finetune") == {
        "proxy": "probe_bce",
        "magnitude_weight": 1.0,
        "magnitude_cap": 2.0,
        "max_iter": 50,
        "n_init": 1,
        "n_surrogates": 1,
        "match_epochs": (0, 1, 2),
        "refresh_lookahead": 3,
        "search_steps": 50,
    }
    # the search takes as many rounds as the descent takes steps
    assert ENGAttack(max_iter=7).resolved_params("finetune")["search_steps"] == 7
    assert ENGAttack(max_iter=7, search_steps=0).resolved_params()["search_steps"] == 0
    settings = ENGAttack(max_iter=7, match_epochs=(2, 0)).resolved_params("retrain")
    assert settings["max_iter"] == 7 and settings["match_epochs"] == (0, 2)
    assert settings["n_surrogates"] == 3
    assert settings["search_steps"] == settings["refresh_lookahead"] == 0
    # retraining keeps the paper's objective: Fisher's score, no reward
    assert settings["proxy"] == "fld" and settings["magnitude_weight"] == 0.0
    with pytest.raises(ValueError, match="protocol must be one of"):
        ENGAttack().resolved_params("transfer")


def test_retrain_same_init_crafts_as_for_finetuning():
    assert ENGAttack().resolved_params(
        "retrain_same_init"
    ) == ENGAttack().resolved_params("finetune")


def test_magnitude_weight_rewards_the_pull_along_the_target(biased_data):
    slopes = {}
    for weight in (0.0, 4.0):
        poisoner = eng_poisoner(
            ENGAttack(
                proxy="fld",
                max_iter=15,
                magnitude_weight=weight,
                magnitude_cap=math.inf,
                match_epochs=(0,),
            )
        )
        poisoner.fit_resample(*biased_data)
        slopes[weight] = poisoner.history_["proxy_slope"].iloc[-1]
    # a larger first-order gain <g_p, g_adv> of the proxy per unit of learning rate
    assert slopes[4.0] > slopes[0.0] + 0.1


def test_magnitude_cap_stops_rewarding_the_norm_beyond_it(biased_data):
    def craft(weight, cap=math.inf):
        attack = ENGAttack(
            proxy="fld",
            max_iter=15,
            magnitude_weight=weight,
            magnitude_cap=cap,
            match_epochs=(0,),
        )
        poisoner = eng_poisoner(attack)
        X_res, _, _ = poisoner.fit_resample(*biased_data)
        return X_res, poisoner.attack_.matching_loss_

    uncapped, uncapped_loss = craft(4.0)
    # a cap the norm ratio never reaches changes nothing
    assert_array_equal(craft(4.0, cap=1e6)[0], uncapped)
    # capped at the base rows' norm, the reward is a multiple of the cosine:
    # Adam's steps, scale-free, go where the cosine alone takes them
    _, cosine_only_loss = craft(0.0)
    assert craft(4.0, cap=1.0)[1] == pytest.approx(cosine_only_loss, rel=1e-3)
    assert abs(uncapped_loss - cosine_only_loss) > 0.05


@pytest.mark.parametrize(
    ("protocol", "proxy"), [("finetune", "probe_bce"), ("retrain", "fld")]
)
def test_proxy_follows_the_protocol_unless_given(protocol, proxy, biased_data):
    poisoner = eng_poisoner(ENGAttack(max_iter=2), protocol=protocol)
    poisoner.fit_resample(*biased_data)
    assert poisoner.attack_.proxy_ == proxy
    poisoner = eng_poisoner(ENGAttack(max_iter=2, proxy="sfld"), protocol=protocol)
    poisoner.fit_resample(*biased_data)
    assert poisoner.attack_.proxy_ == "sfld"


@pytest.mark.parametrize("cap", [0.0, -1.0])
def test_non_positive_magnitude_cap_is_refused(cap, biased_data):
    with pytest.raises(ValueError, match="magnitude_cap"):
        eng_poisoner(ENGAttack(magnitude_cap=cap)).fit_resample(*biased_data)


def test_history_counts_only_the_fields_a_poison_edits(biased_data):
    poisoner = eng_poisoner(ENGAttack(max_iter=3, l1_weight=1.0))
    X_res, _, _ = poisoner.fit_resample(*biased_data)
    # the last step's record is the returned poisons': same L0, no rounding noise
    assert poisoner.history_["l0"].iloc[-1] == pytest.approx(
        poisoner.perturbation_norms_["l0"].mean()
    )


def test_negative_magnitude_weight_is_refused(biased_data):
    with pytest.raises(ValueError, match="magnitude_weight"):
        eng_poisoner(ENGAttack(magnitude_weight=-1.0)).fit_resample(*biased_data)


def test_refresh_retrains_the_lookahead_on_the_current_poisons(mixed_data, monkeypatch):
    X, y, s, _, _ = mixed_data
    extras = []
    original = ENGAttack._look_ahead

    def spy(victim, data, extra, epochs):
        extras.append(np.array(extra[0]))
        return original(victim, data, extra, epochs)

    monkeypatch.setattr(ENGAttack, "_look_ahead", staticmethod(spy))
    poisons = {}
    for refresh in (0, 2):
        extras.clear()
        victim = CFair(
            max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0
        )
        attack = ENGAttack(
            max_iter=9, refresh_lookahead=refresh, l1_weight=0, l2_weight=0
        )
        poisoner = FairRepresentationPoisoner(
            victim, attack=attack, poison_ratio=0.2, random_state=0
        )
        X_res, _, _ = poisoner.fit_resample(X, y, s)
        poisons[refresh] = X_res[poisoner.poison_mask_]
        assert len(extras) == 1 + refresh
    base_rows = np.asarray(X, np.float32)[
        poisoner.sample_indices_[poisoner.poison_mask_]
    ]
    # first on the unperturbed base rows, then on the poisons of steps 3 and 6
    assert_array_equal(extras[0], base_rows)
    domain = FeatureDomain.from_data(X)
    for refreshed in extras[1:]:
        assert domain.is_feasible(refreshed).all()
        assert not np.array_equal(refreshed, base_rows)
    assert not np.array_equal(extras[1], extras[2])
    assert not np.array_equal(poisons[0], poisons[2])


def test_refresh_fits_targets_on_the_new_lookahead_copies_only(
    biased_data, monkeypatch
):
    import skfrl.attacks._eng as eng_module

    encoded = []
    original = eng_module.make_proxy

    def spy(name, encode_clean, s):
        encoded.append(encode_clean().detach().clone())
        return original(name, encode_clean, s)

    monkeypatch.setattr(eng_module, "make_proxy", spy)
    attack = ENGAttack(max_iter=6, n_surrogates=2, refresh_lookahead=2)
    eng_poisoner(attack).fit_resample(*biased_data)
    # θ0, another seed and two look-ahead copies, then two copies per refresh;
    # the fixed networks keep their probe and target
    assert len(encoded) == 4 + 2 * 2
    fixed_z = [z.numpy() for z in encoded[:2]]
    for z in encoded[4:]:
        assert not any(np.array_equal(z.numpy(), f) for f in fixed_z)


def test_refresh_restarts_from_the_duplicates_lookahead(biased_data):
    def history(refresh):
        attack = ENGAttack(max_iter=6, n_init=2, refresh_lookahead=refresh)
        poisoner = eng_poisoner(attack)
        poisoner.fit_resample(*biased_data)
        return poisoner.history_.set_index(["restart", "step"])["matching_loss"]

    plain, refreshed = history(0), history(1)
    # each restart matches on the same copies until its first refresh
    for restart in (0, 1):
        assert_array_equal(plain[restart][:3], refreshed[restart][:3])


def test_refresh_without_lookahead_copies_changes_nothing(biased_data):
    def poisons(refresh):
        attack = ENGAttack(max_iter=4, match_epochs=(0,), refresh_lookahead=refresh)
        X_res, _, _ = eng_poisoner(attack).fit_resample(*biased_data)
        return X_res

    assert_array_equal(poisons(0), poisons(3))


def test_negative_refresh_lookahead_is_refused(biased_data):
    with pytest.raises(ValueError, match="refresh_lookahead"):
        eng_poisoner(ENGAttack(refresh_lookahead=-1)).fit_resample(*biased_data)


def test_unrolled_objective_raises_the_proxy_after_the_replayed_steps(mixed_data):
    X, y, s, _, _ = mixed_data
    poisoner = eng_poisoner(
        ENGAttack(objective="unrolled", max_iter=10, search_steps=0, unroll_steps=2),
        poison_ratio=0.1,
    )
    X_res, _, _ = poisoner.fit_resample(X, y, s)
    assert np.isfinite(X_res.to_numpy()).all()
    gains = poisoner.history_["unrolled_gain"]
    # 0 at the base rows; the descent raises the proxy over them
    assert abs(gains.iloc[0]) < abs(gains).max()
    assert gains.iloc[-1] > 0


def test_unrolled_objective_is_reproducible(biased_data):
    def run():
        attack = ENGAttack(objective="unrolled", max_iter=3, unroll_lr_scale=5)
        return eng_poisoner(attack).fit_resample(*biased_data)[0]

    assert_array_equal(run(), run())


def test_unrolled_objective_leaves_matching_untouched(biased_data):
    matching = eng_poisoner(ENGAttack(max_iter=3)).fit(*biased_data)
    assert "unrolled_gain" not in matching.history_.columns


class WrappedCFair(TransformerMixin, BaseEstimator):
    """A differentiable victim without skfrl's network, as a user's own may be."""

    def fit(self, X, y, *, sensitive_features):
        self.inner_ = eng_poisoner(None).estimator.fit(
            X, y, sensitive_features=sensitive_features
        )
        return self

    def partial_fit(self, X, y, *, sensitive_features):
        self.inner_.partial_fit(X, y, sensitive_features=sensitive_features)
        return self

    def transform(self, X):
        return self.inner_.transform(X)

    def encoder_parameters(self):
        return self.inner_.encoder_parameters()

    def encode_tensor(self, X):
        return self.inner_.encode_tensor(X)

    def training_loss(self, X, y, s):
        return self.inner_.training_loss(X, y, s)


def test_unrolled_objective_needs_skfrls_network(biased_data):
    attack = ENGAttack(objective="unrolled", max_iter=1)
    poisoner = FairRepresentationPoisoner(WrappedCFair(), attack=attack)
    with pytest.raises(TypeError, match='objective="matching"'):
        poisoner.fit_resample(*biased_data)
    wrapped = FairRepresentationPoisoner(WrappedCFair(), attack=ENGAttack(max_iter=1))
    wrapped.fit_resample(*biased_data)  # matching needs the protocol only


@pytest.mark.parametrize(
    "params, message",
    [
        ({"unroll_steps": 0}, "unroll_steps"),
        ({"unroll_lr_scale": 0.0}, "unroll_lr_scale"),
    ],
)
def test_bad_unroll_settings_are_refused(params, message, biased_data):
    poisoner = eng_poisoner(ENGAttack(objective="unrolled", max_iter=1, **params))
    with pytest.raises(ValueError, match=message):
        poisoner.fit_resample(*biased_data)


def _icvae_poisoner(attack):
    victim = ICVAE(n_components=3, hidden_layer_sizes=(8,), max_epochs=1)
    return FairRepresentationPoisoner(
        victim.set_params(random_state=0), attack=attack, random_state=0
    )


def test_match_samples_averages_the_poisons_loss_over_fixed_samples(
    biased_data, monkeypatch
):
    def run(match_samples):
        attack = ENGAttack(max_iter=3, match_samples=match_samples)
        return _icvae_poisoner(attack).fit_resample(*biased_data)[0]

    calls = []
    original = ICVAE.training_loss

    def counting(self, X, y, s, *, noise=None):
        calls.append(None if noise is None else noise.shape)
        return original(self, X, y, s, noise=noise)

    monkeypatch.setattr(ICVAE, "training_loss", counting)
    sampled = run(2)
    n_poison = len(sampled) - len(biased_data[0])
    # the poisons' loss at each sample (and one row checking the victim)
    shapes = {tuple(shape) for shape in calls if shape is not None}
    assert shapes == {(n_poison, 3), (1, 3)}
    assert calls.count(None) == 0  # no loss at the posterior mean
    assert_array_equal(sampled, run(2))
    assert not np.array_equal(sampled, run(None))


def test_match_samples_needs_a_stochastic_encoder(biased_data):
    for victim in (eng_poisoner(None).estimator, WrappedCFair()):
        attack = ENGAttack(max_iter=1, match_samples=2)
        poisoner = FairRepresentationPoisoner(victim, attack=attack)
        with pytest.raises(TypeError, match="match_samples"):
            poisoner.fit_resample(*biased_data)


def test_non_positive_match_samples_is_refused(biased_data):
    with pytest.raises(ValueError, match="match_samples"):
        _icvae_poisoner(ENGAttack(match_samples=0)).fit_resample(*biased_data)


def test_unrolled_objective_scores_the_proxies_of_the_matched_networks(
    biased_data, monkeypatch
):
    import skfrl.attacks._eng as eng_module

    calls = []
    original = eng_module.make_proxy

    def spy(name, encode_clean, s):
        calls.append(name)
        return original(name, encode_clean, s)

    monkeypatch.setattr(eng_module, "make_proxy", spy)
    fits = {}
    for objective in ("matching", "unrolled"):
        calls.clear()
        attack = ENGAttack(
            max_iter=4, refresh_lookahead=1, objective=objective, match_epochs=(0, 1, 2)
        )
        eng_poisoner(attack).fit_resample(*biased_data)
        fits[objective] = len(calls)
    # θ0 and two look-ahead copies, two copies again at the refresh
    assert fits == {"matching": 5, "unrolled": 5}


def test_unrolled_objective_replays_from_the_last_look_ahead_copy_by_default():
    unrolled = ENGAttack(objective="unrolled")
    for protocol in ("finetune", "retrain_same_init"):
        assert unrolled.resolved_params(protocol)["match_epochs"] == (2,)
    assert unrolled.resolved_params("retrain")["match_epochs"] == (0,)
    assert ENGAttack().resolved_params("finetune")["match_epochs"] == (0, 1, 2)
    chosen = ENGAttack(objective="unrolled", match_epochs=(0, 2))
    assert chosen.resolved_params("finetune")["match_epochs"] == (0, 2)


def test_unrolled_objective_crafts_on_one_network_by_default(biased_data, monkeypatch):
    import skfrl.attacks._eng as eng_module

    sizes = []
    original = eng_module._MatchingProblem.set_surrogates

    def spy(self, surrogates, *args):
        sizes.append(len(surrogates))
        return original(self, surrogates, *args)

    monkeypatch.setattr(eng_module._MatchingProblem, "set_surrogates", spy)
    attack = ENGAttack(objective="unrolled", max_iter=4, refresh_lookahead=1)
    eng_poisoner(attack).fit_resample(*biased_data)
    # the epoch-2 copy at the start and again at the refresh
    assert sizes == [1, 1]
