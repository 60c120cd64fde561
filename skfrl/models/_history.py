"""The training history of a fitted model, drawn per epoch."""

import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ..utils import import_pyplot

__all__ = ["TrainingHistoryDisplay"]

_SPLITS = ("train", "valid")


class TrainingHistoryDisplay:
    """Loss and its terms per epoch of a fitted skfrl model, from skorch's history.

    One panel for the training loss (and the validation loss with
    ``validation_fraction``), then one per term of the criterion, unweighted:
    ``task`` and ``adversary`` for CFair and AdvFRL (the adversaries'
    cross-entropy, which the encoder pushes up), ``reconstruction``,
    ``prior_kl``, ``pairwise_kl`` and ``task`` for ICVAE. Each term is the
    batch-size-weighted mean over the epoch's batches.

    Parameters
    ----------
    history : pandas.DataFrame
        One row per epoch (index ``epoch``), skorch's history without its
        batches: ``train_loss``, ``train_<term>``, ``valid_...``.
    estimator_name : str
        Shown in the title.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        One per panel.
    figure_ : matplotlib Figure
        The figure holding them.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair, TrainingHistoryDisplay
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> model = CFair(max_epochs=3, random_state=0).fit(X, y, sensitive_features=s)
    >>> TrainingHistoryDisplay.from_estimator(model).history.columns.tolist()
    ['train_task', 'train_adversary', 'train_loss']
    """

    def __init__(self, history, *, estimator_name):
        self.history = history
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Read a fitted model's history and plot it.

        Parameters
        ----------
        estimator : BaseTorchRepresentation
            A fitted skfrl model (``net_`` holds its skorch history).
        ax : array-like of matplotlib Axes, default=None
            One per panel (see :meth:`panels`); None creates a figure.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        check_is_fitted(estimator, "net_")
        rows = [
            {
                key: value
                for key, value in epoch.items()
                if key != "epoch"
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and key.split("_", 1)[0] in _SPLITS
                and not key.endswith(("_best", "_count", "_batch_size"))
            }
            for epoch in estimator.net_.history
        ]
        epochs = [epoch["epoch"] for epoch in estimator.net_.history]
        history = pd.DataFrame(rows, index=pd.Index(epochs, name="epoch"))
        display = cls(history, estimator_name=type(estimator).__name__)
        return display.plot(ax=ax)

    def panels(self):
        """Return the panel names: ``"loss"``, then each term of the criterion."""
        names = dict.fromkeys(column.split("_", 1)[1] for column in self.history)
        names.pop("loss", None)
        return ["loss", *names]

    def plot(self, ax=None):
        """Draw one panel per term, train and validation lines in each.

        Parameters
        ----------
        ax : array-like of matplotlib Axes, default=None
            One per panel; None creates a figure.

        Returns
        -------
        display : TrainingHistoryDisplay
            ``self``, with ``axes_`` and ``figure_`` set.
        """
        plt = import_pyplot()
        panels = self.panels()
        if ax is None:
            _, ax = plt.subplots(
                1, len(panels), figsize=(3.2 * len(panels), 3), squeeze=False
            )
        axes = pd.Series(list(getattr(ax, "flat", ax)))
        if len(axes) != len(panels):
            raise ValueError(
                f"ax has {len(axes)} axes but the history has {len(panels)} "
                f"panels {panels}; pass one axis per panel."
            )
        for panel, name in zip(axes, panels, strict=True):
            for split, style in zip(_SPLITS, ("-", "--"), strict=True):
                column = f"{split}_{name}"
                if column in self.history:
                    panel.plot(
                        self.history.index, self.history[column], style, label=split
                    )
            panel.set_title(name)
            panel.set_xlabel("epoch")
        axes[0].legend()
        self.axes_ = axes.to_numpy()
        self.figure_ = self.axes_[0].figure
        self.figure_.suptitle(f"{self.estimator_name}: training history")
        self.figure_.tight_layout()
        return self
