"""The greedy record search: edits one field per poison, never worsens."""

import numpy as np
import pytest
import torch

from skfrl.attacks import ENGAttack, FairRepresentationPoisoner
from skfrl.attacks._record_search import RecordSearch, greedy_record_search
from skfrl.models import CFair
from skfrl.utils import FeatureDomain


@pytest.fixture
def domain_and_records(mixed_data):
    X = mixed_data[0]
    domain = FeatureDomain.from_data(X)
    records = torch.as_tensor(X.to_numpy()[:20].copy())
    return domain, records


def squared_distance_to(target):
    def evaluate(x):
        x = x.detach().requires_grad_(True)
        objective = (x - target).pow(2).sum()
        return (
            objective.item(),
            {"objective": objective.item()},
            lambda: torch.autograd.grad(objective, x)[0],
        )

    return evaluate


def test_proposals_are_records_that_edit_one_field(domain_and_records):
    domain, x = domain_and_records
    search = RecordSearch(domain, x.dtype, x.device)
    grad = torch.as_tensor(np.random.default_rng(0).normal(size=x.shape))
    slope, proposal = search.propose(x, grad)
    assert domain.is_feasible(proposal.numpy()).all()
    fields_changed = domain.field_changes(proposal.numpy(), x.numpy()).sum(axis=1)
    assert (fields_changed <= 1).all()
    assert (slope <= 0).all()
    # the slope is the first-order change of the edit made per unit distance
    change = proposal - x
    edited = change.norm(dim=1) > 0
    np.testing.assert_allclose(
        slope[edited].numpy(),
        ((change * grad).sum(1) / change.norm(dim=1))[edited].numpy(),
        atol=1e-12,
    )
    assert (slope[~edited] == 0).all()
    # a random gradient finds an edit for almost every row
    assert edited.sum() >= 18


def test_search_walks_to_a_target_record(domain_and_records):
    domain, x = domain_and_records
    target = x.flip(0)  # other rows' values: records, many fields away
    evaluate = squared_distance_to(target)
    search = RecordSearch(domain, x.dtype, x.device)
    seen = []
    found = greedy_record_search(
        search, x, evaluate, 50, on_round=lambda stats, _: seen.append(stats)
    )
    values = [stats["objective"] for stats in seen]
    assert values == sorted(values, reverse=True)  # every kept round improves
    # the discrete fields all match; income moves in steps of 5 % of its range
    assert evaluate(found)[0] < 0.05 * evaluate(x)[0]
    assert domain.is_feasible(found.numpy()).all()


def test_search_stops_where_no_edit_helps(domain_and_records):
    domain, x = domain_and_records
    search = RecordSearch(domain, x.dtype, x.device)
    rounds = []
    found = greedy_record_search(
        search, x, squared_distance_to(x), 10, on_round=lambda *a: rounds.append(a)
    )
    assert rounds == []
    assert torch.equal(found, x)


def test_eng_search_lowers_the_matching_loss_of_records(mixed_data):
    X, y, s, _, _ = mixed_data
    losses = {}
    for steps in (0, 10):
        victim = CFair(
            max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0
        )
        attack = ENGAttack(max_iter=10, search_steps=steps, l1_weight=0, l2_weight=0)
        poisoner = FairRepresentationPoisoner(
            victim, attack=attack, poison_ratio=0.2, random_state=0
        )
        X_res, _, _ = poisoner.fit_resample(X, y, s)
        assert (
            FeatureDomain.from_data(X).is_feasible(X_res[poisoner.poison_mask_]).all()
        )
        history = poisoner.attack_.history_
        losses[steps] = poisoner.attack_.matching_loss_
    phases = history["phase"].value_counts()
    assert phases["descent"] == 10 and 1 <= phases.get("search", 0) <= 10
    assert history["step"].tolist() == list(range(1, len(history) + 1))
    assert losses[10] < losses[0]
    # the search rounds' losses end where the returned poisons are
    assert history["matching_loss"].iloc[-1] == pytest.approx(losses[10])


def test_eng_searches_as_many_rounds_as_it_descends_by_default(mixed_data, capsys):
    X, y, s, _, _ = mixed_data
    victim = CFair(
        max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0
    )
    attack = ENGAttack(max_iter=6, verbose=1)
    poisoner = FairRepresentationPoisoner(
        victim, attack=attack, poison_ratio=0.2, random_state=0
    )
    poisoner.fit_resample(X, y, s)
    phases = poisoner.attack_.history_["phase"].value_counts()
    assert phases["descent"] == 6 and 1 <= phases.get("search", 0) <= 6
    # the bar counts the search rounds and ends full when the search stops early
    assert "12/12" in capsys.readouterr().err


def test_search_does_nothing_in_the_box(biased_data):
    victim = CFair(max_epochs=1, hidden_layer_sizes=(8,), n_components=4)
    poisoner = FairRepresentationPoisoner(
        victim, attack=ENGAttack(max_iter=3, search_steps=5), random_state=0
    )
    poisoner.fit_resample(*biased_data)
    assert set(poisoner.history_["phase"]) == {"descent"}


def test_search_steps_is_validated(biased_data):
    victim = CFair(max_epochs=1)
    poisoner = FairRepresentationPoisoner(
        victim, attack=ENGAttack(search_steps=-1), random_state=0
    )
    with pytest.raises(ValueError, match="search_steps"):
        poisoner.fit_resample(*biased_data)
