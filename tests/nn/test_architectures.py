import pytest
import torch

from skfrl.nn import AdversarialNet, ConditionalVAENet

ADVERSARIAL = dict(
    n_features=6,
    n_components=4,
    n_classes=3,
    hidden_layer_sizes=(8,),
    adversary_layer_sizes=(5,),
    activation="relu",
)


@pytest.fixture
def batch():
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(10, 6, generator=generator)
    return X, torch.randint(0, 2, (10,), generator=generator)


@pytest.mark.parametrize("n_adversaries", [1, 3])
def test_adversarial_net_output_shapes(batch, n_adversaries):
    X, s = batch
    net = AdversarialNet(
        **ADVERSARIAL, n_adversaries=n_adversaries, activate_output=False
    )
    logits, adversary_logits = net(X, s)
    assert logits.shape == (10, 3)
    assert adversary_logits.shape == (n_adversaries, 10, 2)
    assert net.encode(X).shape == (10, 4)


def test_adversarial_net_without_s_or_adversaries_skips_them(batch):
    X, s = batch
    net = AdversarialNet(**ADVERSARIAL, n_adversaries=2, activate_output=False)
    assert net(X)[1] is None
    bare = AdversarialNet(**ADVERSARIAL, n_adversaries=0, activate_output=False)
    assert bare(X, s)[1] is None


def test_adversarial_net_activate_output_gives_non_negative_z(batch):
    X, _ = batch
    net = AdversarialNet(**ADVERSARIAL, n_adversaries=1, activate_output=True)
    assert (net.encode(X) >= 0).all()


def test_adversarial_net_reverses_the_gradient_reaching_the_encoder(batch):
    X, s = batch
    net = AdversarialNet(**ADVERSARIAL, n_adversaries=1, activate_output=False)
    _, adversary_logits = net(X, s)
    reversed_grads = torch.autograd.grad(
        adversary_logits.sum(), net.encoder.parameters()
    )
    Z = net.encode(X)
    plain_grads = torch.autograd.grad(
        net.adversaries[0](Z).sum(), net.encoder.parameters()
    )
    for reversed_grad, plain_grad in zip(reversed_grads, plain_grads, strict=True):
        torch.testing.assert_close(reversed_grad, -plain_grad)


def _vae(seed=0, n_classes=2):
    """The same weights every time; ``seed`` only seeds the noise."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return ConditionalVAENet(
            n_features=6,
            n_components=3,
            n_classes=n_classes,
            hidden_layer_sizes=(8,),
            activation="relu",
            seed=seed,
        )


def test_conditional_vae_output_shapes(batch):
    X, s = batch
    X_out, reconstruction, mean, log_var, logits = _vae()(X, s)
    assert X_out is X
    assert reconstruction.shape == X.shape
    assert mean.shape == log_var.shape == (10, 3)
    assert logits.shape == (10, 2)
    assert _vae(n_classes=0)(X, s)[4] is None


def test_conditional_vae_decoder_sees_s(batch):
    X, s = batch
    net = _vae().eval()
    assert not torch.equal(net(X, s)[1], net(X, 1 - s)[1])


def test_conditional_vae_samples_in_training_and_uses_the_mean_in_eval(batch):
    X, s = batch
    net = _vae()
    first, second = net(X, s)[1], net(X, s)[1]
    assert not torch.equal(first, second)  # fresh noise at every call
    net.eval()
    torch.testing.assert_close(net(X, s)[1], net(X, s)[1])
    torch.testing.assert_close(net.encode(X), net(X, s)[2])


def test_conditional_vae_noise_comes_from_its_own_seed(batch):
    X, s = batch
    a, b, c = _vae(seed=1), _vae(seed=1), _vae(seed=2)
    state = torch.random.get_rng_state()
    outputs = [net(X, s)[1] for net in (a, b, c)]
    assert torch.equal(torch.random.get_rng_state(), state)
    torch.testing.assert_close(outputs[0], outputs[1])
    assert not torch.equal(outputs[0], outputs[2])
