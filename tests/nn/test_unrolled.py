import pytest
import torch

from skfrl.models import ICVAE, AdvFRL, CFair
from skfrl.nn import UnrolledTraining


def fitted(model_class, data, **params):
    X, y, s = data
    return model_class(max_epochs=1, random_state=0, **params).fit(
        X, y, sensitive_features=s
    )


def real_steps(model, batches):
    """Take the optimizer's own steps on ``batches``; return the new parameters."""
    net = model.net_
    module, criterion, optimizer = net.module_, net.criterion_, net.optimizer_
    module.eval()
    for X, y, s in batches:
        optimizer.zero_grad()
        criterion(module(X, s), y, s).backward()
        optimizer.step()
    return {n: p.detach().clone() for n, p in module.named_parameters()}


def batches_of(data, n_steps, size=16):
    X, y, s = data
    return [
        (
            torch.as_tensor(X[k * size : (k + 1) * size], dtype=torch.float32),
            torch.as_tensor(y[k * size : (k + 1) * size]),
            torch.as_tensor(s[k * size : (k + 1) * size]),
        )
        for k in range(n_steps)
    ]


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "adadelta", "sgd"])
@pytest.mark.parametrize("model_class", [AdvFRL, ICVAE, CFair])
def test_replay_equals_the_optimizers_own_steps(model_class, optimizer, biased_data):
    model = fitted(model_class, biased_data, optimizer=optimizer)
    net = model.net_
    batches = batches_of(biased_data, 3)
    replay = UnrolledTraining(net.module_, net.criterion_, net.optimizer_)
    replayed = replay.run([[(X, y, s, 1.0)] for X, y, s in batches])
    expected = real_steps(model, batches)
    # CFair's lr of 1 magnifies the rounding of the two gradient computations
    for name, value in replayed.items():
        torch.testing.assert_close(value, expected[name], rtol=2e-4, atol=1e-5)


def test_replay_with_momentum_equals_sgds_own_steps(biased_data):
    model = fitted(AdvFRL, biased_data, optimizer="sgd")
    optimizer = model.net_.optimizer_
    optimizer.param_groups[0].update(momentum=0.9, nesterov=True)
    net = model.net_
    batches = batches_of(biased_data, 3)
    replay = UnrolledTraining(net.module_, net.criterion_, optimizer)
    replayed = replay.run([[(X, y, s, 1.0)] for X, y, s in batches])
    expected = real_steps(model, batches)
    for name, value in replayed.items():
        torch.testing.assert_close(value, expected[name], rtol=1e-5, atol=1e-6)


def test_replay_leaves_the_network_and_optimizer_as_they_are(biased_data):
    model = fitted(AdvFRL, biased_data)
    net = model.net_
    before = {n: p.detach().clone() for n, p in net.module_.named_parameters()}
    state = {k: v["exp_avg"].clone() for k, v in net.optimizer_.state.items()}
    net.module_.train()
    replay = UnrolledTraining(net.module_, net.criterion_, net.optimizer_)
    replay.run([[(X, y, s, 1.0)] for X, y, s in batches_of(biased_data, 2)])
    assert net.module_.training
    for name, param in net.module_.named_parameters():
        assert torch.equal(param, before[name])
    for key, exp_avg in state.items():
        assert torch.equal(net.optimizer_.state[key]["exp_avg"], exp_avg)


def test_replayed_parameters_are_differentiable_in_the_rows(biased_data):
    model = fitted(AdvFRL, biased_data)
    net = model.net_
    ((X, y, s),) = batches_of(biased_data, 1)
    X = X.requires_grad_(True)
    replay = UnrolledTraining(net.module_, net.criterion_, net.optimizer_, lr_scale=10)
    params = replay.run([[(X, y, s, 1.0)], [(X, y, s, 1.0)]])
    (grad,) = torch.autograd.grad(replay.encode(params, X).pow(2).sum(), X)
    assert torch.isfinite(grad).all() and grad.abs().sum() > 0


def test_lr_scale_scales_an_sgd_step(biased_data):
    model = fitted(AdvFRL, biased_data, optimizer="sgd")
    net = model.net_
    start = {n: p.detach().clone() for n, p in net.module_.named_parameters()}
    parts = [[(X, y, s, 1.0)] for X, y, s in batches_of(biased_data, 1)]
    steps = [
        UnrolledTraining(net.module_, net.criterion_, net.optimizer_, lr_scale=k).run(
            parts
        )
        for k in (1.0, 3.0)
    ]
    for name, value in start.items():
        torch.testing.assert_close(
            steps[1][name] - value, 3 * (steps[0][name] - value), rtol=1e-4, atol=1e-7
        )


@pytest.mark.parametrize(
    "optimizer, message",
    [
        (lambda p: torch.optim.RMSprop(p), "RMSprop"),
        (lambda p: torch.optim.Adam(p, amsgrad=True), "amsgrad"),
        (lambda p: torch.optim.Adam([{"params": p[:1]}, {"params": p[1:]}]), "group"),
    ],
)
def test_optimizers_that_cannot_be_replayed_are_refused(
    optimizer, message, biased_data
):
    net = fitted(AdvFRL, biased_data).net_
    with pytest.raises(ValueError, match=message):
        UnrolledTraining(
            net.module_, net.criterion_, optimizer(list(net.module_.parameters()))
        )


@pytest.mark.parametrize("lr_scale", [0.0, -1.0, float("inf"), "2"])
def test_bad_lr_scale_is_refused(lr_scale, biased_data):
    net = fitted(AdvFRL, biased_data).net_
    with pytest.raises(ValueError, match="lr_scale"):
        UnrolledTraining(net.module_, net.criterion_, net.optimizer_, lr_scale=lr_scale)
