import numpy as np
import pytest
import torch

from skfrl.models import CFair
from skfrl.nn.privacy import private_gradients


@pytest.fixture(scope="module")
def fitted(biased_data):
    X, y, s = biased_data
    model = CFair(
        max_epochs=2, hidden_layer_sizes=(8,), n_components=4, random_state=0
    ).fit(X, y, sensitive_features=s)
    net = model.net_
    batch = (
        torch.as_tensor(X[:64]),
        torch.as_tensor(y[:64]),
        torch.as_tensor(s[:64]),
    )
    return net.module_, net.criterion_, batch


def _grads(module):
    return torch.cat([p.grad.flatten() for p in module.parameters()])


def test_without_clipping_it_is_the_batch_gradient(fitted):
    module, criterion, (X, y, s) = fitted
    module.zero_grad()
    criterion(module(X, s), y, s).backward()
    batch_gradient = _grads(module).clone()
    private_gradients(
        module, criterion, X, y, s, clip_norm=1e9, noise_multiplier=0.0, generator=None
    )
    torch.testing.assert_close(_grads(module), batch_gradient, rtol=1e-5, atol=1e-7)


def test_each_row_pulls_at_most_the_clipping_norm(fitted):
    module, criterion, (X, y, s) = fitted
    norms = private_gradients(
        module, criterion, X, y, s, clip_norm=1e9, noise_multiplier=0.0, generator=None
    )
    for i in (0, 5, 17):  # the returned norms are the rows' own gradients
        module.zero_grad()
        scales = criterion.batch_scales(y, s)
        row = criterion.sample_losses(
            module(X[i : i + 1], s[i : i + 1]), y[i : i + 1], s[i : i + 1], scales
        )
        row.sum().backward()
        assert _grads(module).norm().item() == pytest.approx(norms[i].item(), rel=1e-4)
    clip = float(norms.median()) / 4
    private_gradients(
        module, criterion, X, y, s, clip_norm=clip, noise_multiplier=0.0, generator=None
    )
    assert _grads(module).norm().item() <= clip * (1 + 1e-5)


def test_the_noise_is_seeded_and_scaled(fitted):
    module, criterion, (X, y, s) = fitted
    runs = []
    for _ in range(2):
        private_gradients(
            module,
            criterion,
            X,
            y,
            s,
            clip_norm=1e-6,  # the clipped sum is negligible: the noise remains
            noise_multiplier=1.0,
            generator=torch.Generator().manual_seed(0),
        )
        runs.append(_grads(module).clone())
    torch.testing.assert_close(runs[0], runs[1])
    # noise of sd noise_multiplier * clip_norm, divided by the batch of 64
    assert np.std(runs[0].numpy()) == pytest.approx(1e-6 / 64, rel=0.1)


def test_the_sample_losses_average_to_the_batch_loss(fitted):
    module, criterion, (X, y, s) = fitted
    outputs = module(X, s)
    scales = criterion.batch_scales(y, s)
    torch.testing.assert_close(
        criterion.sample_losses(outputs, y, s, scales).mean(),
        criterion(outputs, y, s),
    )
    task_only = criterion.sample_losses(
        outputs, y, None, criterion.batch_scales(y, None)
    )
    assert task_only.shape == (64,)
