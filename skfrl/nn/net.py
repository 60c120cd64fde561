"""skorch glue: a tensor-slicing batch iterator and the net every model uses.

Tabular batches are tiny, so a ``DataLoader`` that indexes one sample at a
time and collates them costs more than the forward pass. Here the whole
training set lives on the device as tensors and every batch is one
``index_select`` per tensor.
"""

import contextlib

import torch
from skorch import NeuralNet
from torch.utils.data import Subset

__all__ = ["FRLNet", "TensorBatchIterator"]


def _unwrap(dataset):
    """Return the tensors of a skorch ``Dataset`` (or a ``Subset`` of one)."""
    indices = None
    if isinstance(dataset, Subset):
        indices = torch.as_tensor(dataset.indices, dtype=torch.long)
        dataset = dataset.dataset
    return dataset.X, dataset.y, indices


class TensorBatchIterator:
    """Mini-batches of in-memory tensors, drawn by slicing a permutation.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch.utils.data.Subset
        Holds ``X`` (a dict of tensors) and ``y`` (a tensor or None).
    batch_size : int
        Rows per batch; the last batch may be smaller.
    shuffle : bool, default=False
        Whether to permute the rows at every pass.
    generator : torch.Generator, default=None
        CPU generator for the permutation; keeps shuffling off the global RNG.
    """

    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        self.X, self.y, self.indices = _unwrap(dataset)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self):
        n = self._n_rows()
        return (n + self.batch_size - 1) // self.batch_size

    def _n_rows(self):
        if self.indices is not None:
            return len(self.indices)
        return len(next(iter(self.X.values())))

    def _order(self):
        n = self._n_rows()
        if self.shuffle:
            order = torch.randperm(n, generator=self.generator)
        else:
            order = torch.arange(n)
        if self.indices is not None:
            order = self.indices[order]
        return order

    def __iter__(self):
        order = self._order()
        device = next(iter(self.X.values())).device
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size].to(device)
            Xb = {key: value.index_select(0, rows) for key, value in self.X.items()}
            yb = None if self.y is None else self.y.index_select(0, rows)
            yield Xb, yb


class FRLNet(NeuralNet):
    """``NeuralNet`` whose criterion also sees the sensitive attribute.

    The batch ``X`` is a dict ``{"X": features, "s": groups}``; the module's
    ``forward(X, s=None)`` returns its outputs and the criterion is called as
    ``criterion_(y_pred, y_true, s)``. Without ``"s"`` the criterion gets
    ``None`` and drops its fairness terms.
    """

    def _set_training(self, training=True):
        """Switch train/eval mode only when the mode changes.

        skorch walks every submodule on every batch, which costs more than a
        tabular forward pass.
        """
        if self.module_.training != training or self.criterion_.training != training:
            super()._set_training(training)

    def infer(self, x, **fit_params):
        """Run the module on a batch; skip conversion of on-device tensors."""
        if (
            isinstance(x, dict)
            and not fit_params
            and all(map(torch.is_tensor, x.values()))
        ):
            return self.module_(**x)
        return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the criterion's scalar loss for one batch."""
        s = None if X is None else X.get("s")
        return self.criterion_(y_pred, y_true, s)

    def fit_epochs(self, X, y, epochs):
        """Train ``epochs`` more epochs from the current state, with callbacks."""
        if not self.initialized_:
            self.initialize()
        self.notify("on_train_begin", X=X, y=y)
        with contextlib.suppress(KeyboardInterrupt):  # as skorch: keep what trained
            self.fit_loop(X, y, epochs=epochs)
        self.notify("on_train_end", X=X, y=y)
        return self
