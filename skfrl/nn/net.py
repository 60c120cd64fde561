"""skorch glue: a tensor-slicing batch iterator and the net every model uses.

Tabular batches are tiny, so a ``DataLoader`` that indexes one sample at a
time and collates them costs more than the forward pass. Here the whole
training set lives on the device as tensors and every batch is one
``index_select`` per tensor.
"""

import numpy as np
import torch
from skorch import NeuralNet
from skorch.dataset import unpack_data
from skorch.utils import to_device
from torch.utils.data import Subset

from .privacy import private_gradients

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
    ``None`` and drops its fairness terms. A criterion with
    ``update_weights(y, s)`` (class and group weights of the training data)
    has it called at ``on_train_begin``, i.e. at every ``fit`` and
    ``partial_fit``. Everything else is skorch's own loop.

    With ``per_sample_clip_norm`` set (by the model, before each training
    call), each step applies the DP-SGD gradient of
    :func:`~skfrl.nn.privacy.private_gradients` instead of the batch
    gradient, with ``noise_multiplier`` and the CPU ``noise_generator``.
    """

    #: DP-SGD: the largest norm of one row's gradient; None trains as usual
    per_sample_clip_norm = None
    #: DP-SGD: the noise's standard deviation in units of the clipping norm
    noise_multiplier = 0.0
    #: DP-SGD: the generator of the noise
    noise_generator = None

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        """Give the criterion the weights of the data about to be trained on."""
        super().on_train_begin(net, X=X, y=y, **kwargs)
        update_weights = getattr(self.criterion_, "update_weights", None)
        if update_weights is not None:
            s = X.get("s") if isinstance(X, dict) else None
            update_weights(y, s)

    def on_epoch_begin(self, net, **kwargs):
        """Open the epoch's history row and collect its loss terms anew."""
        super().on_epoch_begin(net, **kwargs)
        self._epoch_terms = []

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        """Keep the criterion's loss terms of the batch and its size."""
        super().on_batch_end(net, batch=batch, training=training, **kwargs)
        terms = getattr(self.criterion_, "terms_", None)
        if terms:
            X = batch[0]
            rows = len(X["X"]) if isinstance(X, dict) else len(X)
            self._epoch_terms.append(("train" if training else "valid", rows, terms))

    def on_epoch_end(self, net, **kwargs):
        """Stop a diverged training; record each loss term's epoch mean.

        A non-finite batch loss raises a ``FloatingPointError`` at the end of
        its epoch, before the epoch's scores are recorded as results.
        """
        super().on_epoch_end(net, **kwargs)
        epoch = self.history[-1]
        losses = [b["train_loss"] for b in epoch["batches"] if "train_loss" in b]
        if not np.isfinite(losses).all():
            raise FloatingPointError(
                f"Training diverged: a batch's loss is not finite in epoch "
                f"{epoch['epoch']} (lr={self.lr}). Lower lr, standardise X (e.g. "
                "with a StandardScaler), or check X for huge values."
            )
        for prefix in ("train", "valid"):
            batches = [(n, terms) for p, n, terms in self._epoch_terms if p == prefix]
            if not batches:
                continue
            sizes = torch.tensor([float(n) for n, _ in batches])
            for name in batches[0][1]:
                values = torch.stack([terms[name].cpu() for _, terms in batches])
                mean = (values * sizes).sum() / sizes.sum()
                self.history.record(f"{prefix}_{name}", mean.item())
        self._epoch_terms = []

    def train_step_single(self, batch, **fit_params):
        """Skorch's training step, switching to train mode only when needed.

        skorch's own step sets train mode by walking every submodule on
        every batch, about 1 % of a tabular epoch; the loss and its gradient
        are computed exactly as skorch computes them.
        """
        if not (self.module_.training and self.criterion_.training):
            self.module_.train()
            self.criterion_.train()
        Xi, yi = unpack_data(batch)
        if self.per_sample_clip_norm is not None:
            return self._private_step(Xi, yi)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def _private_step(self, Xi, yi):
        """Set the DP-SGD gradient; return the (unclipped) batch loss to log."""
        private_gradients(
            self.module_,
            self.criterion_,
            Xi["X"],
            yi,
            Xi.get("s"),
            clip_norm=self.per_sample_clip_norm,
            noise_multiplier=self.noise_multiplier,
            generator=self.noise_generator,
        )
        with torch.no_grad():  # the loss and its terms, for the history
            y_pred = self.infer(Xi)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        return {"loss": loss, "y_pred": y_pred}

    def infer(self, x, **fit_params):
        """Run the module on a batch; skip conversion of on-device tensors."""
        if (
            isinstance(x, dict)
            and not fit_params
            and all(map(torch.is_tensor, x.values()))
        ):
            return self.module_(**x)
        return super().infer(x, **fit_params)

    def forward_iter(self, X, training=False, device="cpu"):
        """Yield the module's outputs batch by batch, as skorch does.

        Outputs the module leaves None (no adversary without ``s``, no task
        head) stay None instead of failing skorch's move to ``device``.
        """
        for batch in self.get_iterator(self.get_dataset(X), training=training):
            outputs = self.evaluation_step(batch, training=training)
            if isinstance(outputs, tuple):
                yield tuple(
                    None if out is None else to_device(out, device) for out in outputs
                )
            else:
                yield to_device(outputs, device)

    def predict(self, X):
        """Return the task head's class codes, in eval mode.

        What skorch's ``EpochScoring("accuracy")`` and sklearn's classifier
        scorers score, against the class codes the net trains on. Needs a
        module with ``task_logits(outputs)`` and a task head (its
        ``classifier``).
        """
        task_logits = getattr(self.module_, "task_logits", None)
        if task_logits is None or getattr(self.module_, "classifier", None) is None:
            raise ValueError(
                f"{type(self.module_).__name__} has no task head, so there is no "
                "prediction to score (e.g. ICVAE(supervised=False)); give "
                "EpochScoring a callable scoring(net, X, y) instead of a "
                "classifier metric."
            )
        # through forward_iter, as skorch's own predict goes
        logits = [task_logits(out) for out in self.forward_iter(X, training=False)]
        return torch.cat(logits).argmax(dim=1).cpu().numpy()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the criterion's scalar loss for one batch."""
        s = None if X is None else X.get("s")
        return self.criterion_(y_pred, y_true, s)
