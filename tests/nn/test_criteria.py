import pytest
import torch
import torch.nn.functional as F

from skfrl.nn import AdversarialLoss, ConditionalVAELoss, balanced_class_weights
from skfrl.nn.losses import gaussian_kl_standard_normal, pairwise_gaussian_kl

N_ADVERSARIES = {"none": 1, "class": 3, "positive": 1}


@pytest.fixture
def batch():
    generator = torch.Generator().manual_seed(0)
    y = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])
    s = torch.tensor([0, 1, 1, 0, 1, 0, 0, 0, 1, 1])
    logits = torch.randn(10, 3, generator=generator)
    return y, s, logits, generator


def _loss(conditioning, fairness_weight=2.0, balanced_task=False):
    return AdversarialLoss(
        n_classes=3,
        fairness_weight=fairness_weight,
        balanced_task=balanced_task,
        conditioning=conditioning,
    )


@pytest.mark.parametrize(
    "conditioning, expected",
    [
        ("none", [[True] * 10]),
        ("class", [[c == j for c in [0, 0, 0, 1, 1, 2, 2, 2, 2, 2]] for j in range(3)]),
        ("positive", [[c == 2 for c in [0, 0, 0, 1, 1, 2, 2, 2, 2, 2]]]),
    ],
)
def test_adversary_rows_follow_the_conditioning(batch, conditioning, expected):
    y, *_ = batch
    torch.testing.assert_close(
        _loss(conditioning)._adversary_rows(y), torch.tensor(expected)
    )


@pytest.mark.parametrize("conditioning", ["none", "class", "positive"])
def test_update_weights_balance_s_within_each_adversarys_rows(batch, conditioning):
    y, s, *_ = batch
    loss = _loss(conditioning)
    loss.update_weights(y, s)
    assert loss.adversary_weight.shape == (N_ADVERSARIES[conditioning], 2)
    for rows, weights in zip(
        loss._adversary_rows(y), loss.adversary_weight, strict=True
    ):
        totals = torch.bincount(s[rows], weights=weights[s[rows]], minlength=2)
        torch.testing.assert_close(totals[0], totals[1])


def test_update_weights_balance_the_task_only_when_asked(batch):
    y, s, *_ = batch
    balanced, plain = _loss("class", balanced_task=True), _loss("class")
    balanced.update_weights(y, s)
    plain.update_weights(y, s)
    torch.testing.assert_close(balanced.task_weight, torch.tensor([10 / 3, 5.0, 2.0]))
    torch.testing.assert_close(plain.task_weight, torch.ones(3))


@pytest.mark.parametrize("conditioning", ["none", "class", "positive"])
def test_adversarial_loss_matches_hand_computation(batch, conditioning):
    y, s, logits, generator = batch
    loss = _loss(conditioning, fairness_weight=2.0, balanced_task=True)
    loss.update_weights(y, s)
    adversary_logits = torch.randn(
        N_ADVERSARIES[conditioning], 10, 2, generator=generator
    )
    expected = F.cross_entropy(logits, y, weight=loss.task_weight)
    terms = []
    for j, rows in enumerate(loss._adversary_rows(y)):
        terms.append(
            F.cross_entropy(
                adversary_logits[j][rows], s[rows], weight=loss.adversary_weight[j]
            )
        )
    expected = expected + 2.0 * torch.stack(terms).mean()
    torch.testing.assert_close(loss((logits, adversary_logits), y, s), expected)


def test_adversary_ignores_rows_outside_its_condition(batch):
    y, s, logits, generator = batch
    loss = _loss("positive")
    loss.update_weights(y, s)
    adversary_logits = torch.randn(1, 10, 2, generator=generator)
    changed = adversary_logits.clone()
    changed[0, y != 2] += 5.0
    torch.testing.assert_close(
        loss((logits, adversary_logits), y, s), loss((logits, changed), y, s)
    )


@pytest.mark.parametrize("drop", ["s", "weight", "adversaries"])
def test_adversarial_loss_is_the_task_loss_without_fairness(batch, drop):
    y, s, logits, generator = batch
    loss = _loss("none", fairness_weight=0.0 if drop == "weight" else 1.0)
    loss.update_weights(y, s)
    adversary_logits = None if drop == "adversaries" else torch.randn(1, 10, 2)
    value = loss((logits, adversary_logits), y, None if drop == "s" else s)
    torch.testing.assert_close(value, F.cross_entropy(logits, y))


def _vae_outputs(with_logits=True):
    generator = torch.Generator().manual_seed(0)
    X, reconstruction, mean, log_var = (
        torch.randn(8, 4, generator=generator) for _ in range(4)
    )
    logits = torch.randn(8, 2, generator=generator) if with_logits else None
    return X, reconstruction, mean, log_var, logits


def test_conditional_vae_loss_drops_the_invariance_term_without_s():
    X, reconstruction, mean, log_var, logits = outputs = _vae_outputs()
    y, s = torch.randint(0, 2, (8,)), torch.randint(0, 2, (8,))
    loss = ConditionalVAELoss(fairness_weight=3.0, kl_weight=0.5, task_weight=2.0)
    rec = 0.5 * (reconstruction - X).pow(2).sum(dim=1).mean()
    kl = gaussian_kl_standard_normal(mean, log_var).mean()
    task = F.cross_entropy(logits, y)
    without_s = rec + 0.5 * kl + 2.0 * task
    torch.testing.assert_close(loss(outputs, y, None), without_s)
    with_s = without_s + 3.0 * rec + 3.0 * pairwise_gaussian_kl(mean, log_var)
    torch.testing.assert_close(loss(outputs, y, s), with_s)


def test_conditional_vae_loss_without_task_head_ignores_y():
    outputs = _vae_outputs(with_logits=False)
    loss = ConditionalVAELoss(fairness_weight=1.0, kl_weight=1.0, task_weight=1.0)
    s = torch.randint(0, 2, (8,))
    torch.testing.assert_close(
        loss(outputs, torch.zeros(8, dtype=torch.long), s), loss(outputs, None, s)
    )


@pytest.mark.parametrize("conditioning", ["class", "positive", "none"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_adversary_weights_balance_s_within_each_adversarys_rows(
    conditioning, n_classes
):
    generator = torch.Generator().manual_seed(0)
    y = torch.randint(n_classes, (500,), generator=generator)
    s = torch.randint(2, (500,), generator=generator)
    if n_classes == 3:
        s[y == 1] = 0  # a class with one group only: that group's weight is 0
    loss = AdversarialLoss(
        n_classes=n_classes,
        fairness_weight=1.0,
        balanced_task=True,
        conditioning=conditioning,
    )
    loss.update_weights(y, s)
    expected = torch.stack(
        [balanced_class_weights(s[rows], 2) for rows in loss._adversary_rows(y)]
    )
    assert torch.equal(loss.adversary_weight, expected)  # bit for bit
