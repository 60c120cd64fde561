import pytest
import torch
from skorch.callbacks import Callback
from skorch.dataset import Dataset
from torch import nn
from torch.utils.data import Subset

from skfrl.nn import FRLNet, TensorBatchIterator


@pytest.fixture
def dataset():
    X = torch.arange(23, dtype=torch.float32).unsqueeze(1)  # row i holds i
    return Dataset({"X": X, "s": torch.arange(23) % 2}, torch.arange(23))


def _rows(iterator):
    return torch.cat([Xb["X"][:, 0] for Xb, _ in iterator]).long()


@pytest.mark.parametrize("shuffle", [False, True])
def test_iterator_covers_every_row_once_per_epoch(dataset, shuffle):
    iterator = TensorBatchIterator(dataset, batch_size=5, shuffle=shuffle)
    for _ in range(2):
        assert sorted(_rows(iterator).tolist()) == list(range(23))


def test_iterator_respects_batch_size(dataset):
    iterator = TensorBatchIterator(dataset, batch_size=5, shuffle=True)
    sizes = [len(yb) for _, yb in iterator]
    assert sizes == [5, 5, 5, 5, 3]
    assert len(iterator) == 5


def test_iterator_keeps_x_s_and_y_aligned(dataset):
    iterator = TensorBatchIterator(dataset, batch_size=4, shuffle=True)
    for Xb, yb in iterator:
        rows = Xb["X"][:, 0].long()
        assert torch.equal(yb, rows)
        assert torch.equal(Xb["s"], rows % 2)


def test_iterator_without_shuffle_keeps_order(dataset):
    iterator = TensorBatchIterator(dataset, batch_size=10)
    assert _rows(iterator).tolist() == list(range(23))


def test_iterator_is_deterministic_with_a_seeded_generator(dataset):
    def order(seed):
        generator = torch.Generator().manual_seed(seed)
        iterator = TensorBatchIterator(dataset, 5, shuffle=True, generator=generator)
        return _rows(iterator), _rows(iterator)

    first_epoch, second_epoch = order(0)
    assert torch.equal(first_epoch, order(0)[0])
    assert not torch.equal(first_epoch, second_epoch)  # reshuffled every epoch
    assert not torch.equal(first_epoch, order(1)[0])


def test_iterator_leaves_the_global_generator_alone(dataset):
    state = torch.random.get_rng_state()
    generator = torch.Generator().manual_seed(0)
    list(TensorBatchIterator(dataset, 5, shuffle=True, generator=generator))
    assert torch.equal(torch.random.get_rng_state(), state)


def test_iterator_on_a_subset_yields_only_its_rows(dataset):
    indices = [3, 7, 8, 15, 20, 22]
    iterator = TensorBatchIterator(Subset(dataset, indices), batch_size=4, shuffle=True)
    assert len(iterator) == 2
    assert sorted(_rows(iterator).tolist()) == indices


def test_iterator_without_y_yields_none():
    dataset = Dataset({"X": torch.zeros(6, 2)}, None)
    assert all(yb is None for _, yb in TensorBatchIterator(dataset, batch_size=4))


class _Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 2)

    def forward(self, X, s=None):
        return self.linear(X)


class _RecordingLoss(nn.Module):
    """Cross-entropy that records the ``s`` it was given."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, y_pred, y, s):
        self.seen.append(s)
        return nn.functional.cross_entropy(y_pred, y)


def _net(criterion=_RecordingLoss, **kwargs):
    return FRLNet(
        module=_Linear,
        criterion=criterion,
        optimizer=torch.optim.SGD,
        lr=0.1,
        batch_size=8,
        train_split=None,
        iterator_train=TensorBatchIterator,
        verbose=0,
        **kwargs,
    )


def test_get_loss_passes_the_batch_s_to_the_criterion():
    net = _net().initialize()
    s = torch.tensor([0, 1, 1])
    net.get_loss(torch.zeros(3, 2), torch.zeros(3, dtype=torch.long), X={"s": s})
    net.get_loss(torch.zeros(3, 2), torch.zeros(3, dtype=torch.long), X={"X": None})
    assert net.criterion_.seen[0] is s
    assert net.criterion_.seen[1] is None


class _WeightedLoss(_RecordingLoss):
    """Records every ``update_weights(y, s)`` call."""

    def __init__(self):
        super().__init__()
        self.weight_calls = []

    def update_weights(self, y, s):
        self.weight_calls.append((len(y), s))


def test_partial_fit_trains_further_and_appends_history(dataset):
    X, y = dataset.X, dataset.y % 2
    net = _net()
    net.partial_fit(X, y, epochs=2)  # initialises on first use
    net.partial_fit(X, y, epochs=3)
    assert len(net.history) == 5
    assert all(s is not None and len(s) <= 8 for s in net.criterion_.seen)


def test_the_criterion_gets_the_weights_of_each_training_call(dataset):
    X, y = dataset.X, dataset.y % 2
    net = _net(criterion=_WeightedLoss)
    net.partial_fit(X, y, epochs=1)
    net.partial_fit({"X": X["X"][:10]}, y[:10], epochs=1)
    calls = net.criterion_.weight_calls
    assert [n for n, _ in calls] == [len(y), 10]
    assert calls[0][1] is X["s"] and calls[1][1] is None


def test_training_steps_run_in_train_mode_after_an_evaluation(dataset):
    X, y = dataset.X, dataset.y % 2
    net = _net().initialize()
    net.module_.eval()
    net.criterion_.eval()
    net.partial_fit(X, y, epochs=1)
    assert net.module_.training and net.criterion_.training


class _StopAfterFirstEpoch(Callback):
    def on_epoch_end(self, net, **kwargs):
        raise KeyboardInterrupt


def test_partial_fit_stops_quietly_on_keyboard_interrupt(dataset):
    net = _net(callbacks=[_StopAfterFirstEpoch()])
    net.partial_fit(dataset.X, dataset.y % 2, epochs=10)
    assert len(net.history) == 1
