import numpy as np
import pytest

from skfrl.attacks import ENGAttack
from skfrl.datasets import make_biased_classification
from skfrl.experiments import run_paired_trial
from skfrl.models import CFair


@pytest.fixture(scope="module")
def records():
    X, y, s = make_biased_classification(n_samples=300, n_features=6, random_state=0)
    return run_paired_trial(
        X,
        y,
        s,
        victim=CFair(max_epochs=2, hidden_layer_sizes=(8,), n_components=4),
        attacks={"duplicate": "duplicate", "eng": ENGAttack(max_iter=3)},
        poison_ratio=0.1,
        seed=0,
        n_epochs=2,
        n_average=1,
    )


def test_one_record_per_condition_clean_first(records):
    assert [r["condition"] for r in records] == ["clean", "duplicate", "eng"]
    assert all(r["seed"] == 0 and r["protocol"] == "finetune" for r in records)


def test_attacks_share_base_rows_and_budget(records):
    _, duplicate, eng = records
    assert (
        duplicate["n_poison"] == eng["n_poison"] == 24
    )  # 10 % of the 240 training rows
    assert duplicate["l0"] == 0
    assert eng["l0"] > 0


def test_a_condition_does_not_depend_on_the_conditions_beside_it(records):
    # benchmarks pair routes run in separate trials: that needs this
    X, y, s = make_biased_classification(n_samples=300, n_features=6, random_state=0)
    more = run_paired_trial(
        X,
        y,
        s,
        victim=CFair(max_epochs=2, hidden_layer_sizes=(8,), n_components=4),
        attacks={
            "raa": "raa",
            "eng": ENGAttack(max_iter=3),
            "duplicate": "duplicate",
        },
        poison_ratio=0.1,
        seed=0,
        n_epochs=2,
        n_average=1,
    )
    alone = {r["condition"]: r for r in records}
    beside = {r["condition"]: r for r in more}
    for condition in ("clean", "duplicate", "eng"):
        assert beside[condition]["probe_bce"] == alone[condition]["probe_bce"]
        assert (
            beside[condition]["downstream_accuracy"]
            == alone[condition]["downstream_accuracy"]
        )


def test_records_hold_leakage_and_fairness(records):
    for record in records:
        assert record["probe_bce"] > 0
        for key in ("downstream_accuracy", "demographic_parity_difference"):
            assert 0 <= record[key] <= 1


def test_train_target_split_is_stratified_seeded_and_standardised(biased_data):
    from skfrl.experiments import train_target_split

    X, y, s = biased_data
    first = train_target_split(X, y, s, seed=3, target_fraction=0.25)
    again = train_target_split(X, y, s, seed=3, target_fraction=0.25)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    X_tr, _, s_tr, X_ta, _, s_ta = first
    assert len(X_ta) == round(0.25 * len(X)) and X_tr.dtype == np.float32
    np.testing.assert_allclose(X_tr.mean(axis=0), 0, atol=1e-5)
    assert abs(s_tr.mean() - s_ta.mean()) < 0.05
    with pytest.raises(ValueError, match="target_fraction must be in"):
        train_target_split(X, y, s, target_fraction=1.5)


def test_a_trial_can_craft_on_the_attackers_own_model(biased_data):
    X, y, s = biased_data
    victim = CFair(max_epochs=2, hidden_layer_sizes=(8,), n_components=4)
    kwargs = dict(victim=victim, poison_ratio=0.1, seed=0, n_epochs=2, n_average=1)
    attacks = {"duplicate": "duplicate", "eng": ENGAttack(max_iter=2)}
    white = run_paired_trial(X, y, s, attacks=attacks, **kwargs)
    transfer = run_paired_trial(X, y, s, attacks=attacks, surrogate=victim, **kwargs)
    by_condition = [
        {r["condition"]: r for r in records} for records in (white, transfer)
    ]
    # same split, θ0 and duplicates; the ENG poisons differ (another model)
    assert (
        by_condition[0]["clean"]["probe_bce"] == by_condition[1]["clean"]["probe_bce"]
    )
    assert (
        by_condition[0]["duplicate"]["probe_bce"]
        == by_condition[1]["duplicate"]["probe_bce"]
    )
    assert (
        by_condition[0]["eng"]["matching_loss"]
        != by_condition[1]["eng"]["matching_loss"]
    )


def test_every_condition_is_also_sanitised_by_every_defence(biased_data):
    from skfrl.defences import RepresentationOutlierSanitiser, SphereSanitiser

    X, y, s = biased_data
    seen = []

    def outliers_of_theta0(theta0, X_train):
        seen.append((theta0.n_iter_, X_train.shape))
        return RepresentationOutlierSanitiser(theta0, prefit=True, random_state=0)

    records = run_paired_trial(
        X,
        y,
        s,
        victim=CFair(max_epochs=2, hidden_layer_sizes=(8,), n_components=4),
        attacks={"duplicate": "duplicate", "sensitive_flip": "sensitive_flip"},
        seed=0,
        n_epochs=2,
        n_average=1,
        defences={
            "sphere": SphereSanitiser(random_state=0),
            "iforest": outliers_of_theta0,
        },
    )
    keys = [(r["defence"], r["condition"]) for r in records]
    conditions = ["clean", "duplicate", "sensitive_flip"]
    assert keys == [(d, c) for d in ("none", "sphere", "iforest") for c in conditions]
    assert seen == [(2, (320, 6))]  # the factory gets the deployed θ0 and its rows
    for record in records:
        if record["defence"] == "none":
            assert "n_removed" not in record
        elif record["condition"] == "clean":
            assert np.isnan(record["detection_auc"]) and record["n_poison"] == 0
            assert record["n_removed"] == 32  # contamination 0.1 of 320 rows
        else:
            assert 0 <= record["detection_auc"] <= 1
            assert 0 <= record["n_poison_removed"] <= record["n_poison"] == 32
            assert record["n_removed"] == round(0.1 * 352)


def test_a_training_time_defence_trains_every_condition_under_it(biased_data):
    X, y, s = biased_data
    records = run_paired_trial(
        X,
        y,
        s,
        victim=CFair(max_epochs=2, hidden_layer_sizes=(8,), n_components=4),
        attacks={"duplicate": "duplicate"},
        seed=0,
        n_epochs=2,
        n_average=1,
        defences={"dp": {"per_sample_clip_norm": 0.01, "noise_multiplier": 1.0}},
    )
    plain, private = records[:2], records[2:]
    assert [r["defence"] for r in private] == ["dp", "dp"]
    assert all(r["n_removed"] == 0 for r in private)
    assert np.isnan(private[1]["detection_auc"])  # nothing scored, nothing removed
    assert private[0]["probe_bce"] != plain[0]["probe_bce"]
