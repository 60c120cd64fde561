"""sklearn-style displays of a results frame.

Leakage and downstream fairness against the poisoning ratio, one panel per
victim, and the features an attack changes most often. matplotlib is
imported only when something is drawn.
"""

import json

import numpy as np
import pandas as pd

from ..utils import import_pyplot
from ._schema import CONDITIONS, LABELS, LEAKAGE_METRICS, UTILITY_METRICS
from ._summary import condition_order, summarise

__all__ = ["FairnessVsRatioDisplay", "FeatureChangeDisplay", "LeakageVsRatioDisplay"]


def _select(results, **filters):
    """Rows matching ``filters``; a None filter must match one value only."""
    for key, value in filters.items():
        values = list(dict.fromkeys(results[key]))
        if value is None:
            if len(values) > 1:
                raise ValueError(
                    f"results hold several {key} values {values}; "
                    f"pass {key}= one of them."
                )
            continue
        if value not in values:
            raise ValueError(f"{key}={value!r} is not in results; got {values}.")
        results = results[results[key] == value]
    return results


def _color(condition):
    plt = import_pyplot()
    index = CONDITIONS.index(condition) if condition in CONDITIONS else -1
    return plt.get_cmap("tab10")(index % 10)


def _axes(ax, shape, plt):
    """Return new axes of ``shape``, or the given ones after a size check."""
    if ax is None:
        n_rows, n_cols = shape
        _, axes = plt.subplots(
            n_rows,
            n_cols,
            figsize=(3.6 * n_cols + 1.6, 2.8 * n_rows + 0.6),
            squeeze=False,
            sharex=True,
            layout="constrained",
        )
        return axes
    axes = np.asarray(ax, dtype=object)
    if axes.size != np.prod(shape):
        raise ValueError(f"ax must hold {np.prod(shape)} Axes; got {axes.size}.")
    return axes.reshape(shape)


def _draw_lines(ax, rows, metric, conditions):
    """One errorbar line per condition against the poisoning ratio."""
    ratios = np.sort(rows["poison_ratio"].unique())
    spacing = np.diff(ratios).min() if len(ratios) > 1 else 0.1
    for i, condition in enumerate(conditions):
        line = rows[rows["condition"] == condition].sort_values("poison_ratio")
        if line.empty:
            continue
        dodge = (i - (len(conditions) - 1) / 2) * 0.04 * spacing
        ax.errorbar(
            line["poison_ratio"] + dodge,
            line[f"{metric}_mean"],
            yerr=line[f"{metric}_std"].fillna(0),
            marker="o",
            capsize=3,
            color=_color(condition),
            label=condition,
        )
    ax.set_xticks(ratios, [f"{r:g}" for r in ratios])
    ax.grid(alpha=0.3)


class _RatioDisplay:
    """Shared ``from_results`` of the displays against the poisoning ratio."""

    def __init__(self, summary, *, dataset, protocol):
        self.summary = summary
        self.dataset = dataset
        self.protocol = protocol

    @classmethod
    def _summary(cls, results, dataset, protocol):
        rows = _select(results, dataset=dataset, protocol=protocol)
        return summarise(rows), rows["dataset"].iloc[0], rows["protocol"].iloc[0]

    def _finish(self, axes, ylabels):
        for ax, label in zip(axes[:, 0], ylabels, strict=True):
            ax.set_ylabel(label)
        for ax in axes[-1]:
            ax.set_xlabel("poisoning ratio")
        axes[0, -1].legend(fontsize="small", loc="best")
        self.axes_ = axes
        self.figure_ = axes[0, 0].figure
        self.figure_.suptitle(f"{self.dataset}, {self.protocol}")
        return self


class LeakageVsRatioDisplay(_RatioDisplay):
    """Leakage against the poisoning ratio: one panel per victim.

    One line per condition, mean ± standard deviation over seeds. By default
    the y axis is the paired ΔBCE vs the duplicates control (the paper's
    convention, :func:`~skfrl.metrics.delta_bce`): above zero, the condition
    makes the representation leak ``s`` more.

    Parameters
    ----------
    summary : pandas.DataFrame
        Rows of :func:`summarise` for one dataset and protocol.
    metric : str, default="delta_bce_vs_duplicate"
        What the y axis shows: ``"delta_bce_vs_duplicate"``,
        ``"delta_bce_vs_clean"`` or ``"probe_bce"`` of the default probe,
        or ``"delta_bce_<probe>_vs_duplicate"`` or ``"probe_bce_<probe>"``
        of a strong probe (``"mlp"``, ``"hgb"``); a BCE is drawn with H(s)
        as a dotted line.
    dataset, protocol : str
        Shown in the title.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes of shape (1, n_victims)
        The panels.
    figure_ : matplotlib Figure
        The figure holding them.

    See Also
    --------
    FairnessVsRatioDisplay : Accuracy and fairness gaps against the ratio.

    Examples
    --------
    >>> from skfrl.experiments import LeakageVsRatioDisplay
    >>> display = LeakageVsRatioDisplay.from_results(results)  # doctest: +SKIP
    """

    def __init__(self, summary, *, metric="delta_bce_vs_duplicate", dataset, protocol):
        super().__init__(summary, dataset=dataset, protocol=protocol)
        self.metric = metric

    @classmethod
    def from_results(
        cls,
        results,
        *,
        dataset=None,
        protocol=None,
        metric="delta_bce_vs_duplicate",
        ax=None,
    ):
        """Summarise ``results`` and plot them.

        Parameters
        ----------
        results : pandas.DataFrame
            Records of :func:`run_experiment` or :func:`load_results`.
        dataset, protocol : str, default=None
            The rows to plot; None when ``results`` holds one value only.
        metric : str, default="delta_bce_vs_duplicate"
            See the class parameters.
        ax : array-like of matplotlib Axes, default=None
            One per victim; None creates a figure.

        Returns
        -------
        display : LeakageVsRatioDisplay
        """
        summary, dataset, protocol = cls._summary(results, dataset, protocol)
        display = cls(summary, metric=metric, dataset=dataset, protocol=protocol)
        return display.plot(ax=ax)

    def plot(self, ax=None):
        """Draw one panel per victim.

        Parameters
        ----------
        ax : array-like of matplotlib Axes, default=None
            One per victim; None creates a figure.

        Returns
        -------
        display : LeakageVsRatioDisplay
            ``self``, with ``axes_`` and ``figure_`` set.
        """
        if self.metric not in LEAKAGE_METRICS:
            raise ValueError(
                f"metric must be one of {LEAKAGE_METRICS}; got {self.metric!r}."
            )
        plt = import_pyplot()
        victims = list(dict.fromkeys(self.summary["victim"]))
        axes = _axes(ax, (1, len(victims)), plt)
        reference = None
        if self.metric.startswith("delta_bce"):
            reference = self.metric.rsplit("_vs_", 1)[1]
        conditions = [c for c in condition_order(self.summary) if c != reference]
        for panel, victim in zip(axes[0], victims, strict=True):
            rows = self.summary[self.summary["victim"] == victim]
            _draw_lines(panel, rows, self.metric, conditions)
            if reference is not None:
                panel.axhline(0, color="grey", linestyle="--", linewidth=1)
            else:  # a BCE: H(s), what a probe that learned nothing scores
                entropy = rows["sensitive_entropy_mean"].mean()
                panel.axhline(entropy, color="black", linestyle=":", label="H(s)")
            panel.set_title(victim)
        return self._finish(axes, [LABELS[self.metric]])


class FairnessVsRatioDisplay(_RatioDisplay):
    """Downstream accuracy, DP gap and EO gap against the poisoning ratio.

    One row of panels per metric, one column per victim, one line per
    condition (mean ± standard deviation over seeds).

    Parameters
    ----------
    summary : pandas.DataFrame
        Rows of :func:`summarise` for one dataset and protocol.
    dataset, protocol : str
        Shown in the title.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes of shape (3, n_victims)
        The panels.
    figure_ : matplotlib Figure
        The figure holding them.

    See Also
    --------
    LeakageVsRatioDisplay : Leakage against the ratio.

    Examples
    --------
    >>> from skfrl.experiments import FairnessVsRatioDisplay
    >>> display = FairnessVsRatioDisplay.from_results(results)  # doctest: +SKIP
    """

    @classmethod
    def from_results(cls, results, *, dataset=None, protocol=None, ax=None):
        """Summarise ``results`` and plot them.

        Parameters
        ----------
        results : pandas.DataFrame
            Records of :func:`run_experiment` or :func:`load_results`.
        dataset, protocol : str, default=None
            The rows to plot; None when ``results`` holds one value only.
        ax : array-like of matplotlib Axes, default=None
            3 × n_victims; None creates a figure.

        Returns
        -------
        display : FairnessVsRatioDisplay
        """
        summary, dataset, protocol = cls._summary(results, dataset, protocol)
        return cls(summary, dataset=dataset, protocol=protocol).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the 3 × n_victims panels.

        Parameters
        ----------
        ax : array-like of matplotlib Axes, default=None
            3 × n_victims; None creates a figure.

        Returns
        -------
        display : FairnessVsRatioDisplay
            ``self``, with ``axes_`` and ``figure_`` set.
        """
        plt = import_pyplot()
        victims = list(dict.fromkeys(self.summary["victim"]))
        metrics = UTILITY_METRICS
        axes = _axes(ax, (len(metrics), len(victims)), plt)
        conditions = condition_order(self.summary)
        for j, victim in enumerate(victims):
            rows = self.summary[self.summary["victim"] == victim]
            for i, metric in enumerate(metrics):
                _draw_lines(axes[i, j], rows, metric, conditions)
            axes[0, j].set_title(victim)
        return self._finish(axes, [LABELS[m] for m in metrics])


class FeatureChangeDisplay:
    """How often an attack changes each feature: a bar chart of the top ones.

    The frequency of a feature is the share of poisons whose value of it
    differs from their base row, averaged over the selected cells.

    Parameters
    ----------
    frequencies : pandas.Series
        Change frequency per feature name.
    attack : str
        The attack, shown in the title.
    dataset : str
        The dataset, shown in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The chart.
    figure_ : matplotlib Figure
        The figure holding it.

    Examples
    --------
    >>> import pandas as pd
    >>> from skfrl.experiments import FeatureChangeDisplay
    >>> frequencies = pd.Series({"age": 0.9, "income": 0.4})
    >>> display = FeatureChangeDisplay(frequencies, attack="eng", dataset="toy")
    >>> display.plot().ax_.get_xlabel()
    'share of poisons that change the feature'
    """

    def __init__(self, frequencies, *, attack, dataset):
        self.frequencies = frequencies
        self.attack = attack
        self.dataset = dataset

    @classmethod
    def from_results(
        cls,
        results,
        *,
        attack="eng",
        dataset=None,
        victim=None,
        protocol=None,
        poison_ratio=None,
        top_k=20,
        ax=None,
    ):
        """Average the stored change frequencies of ``attack`` and plot them.

        Parameters
        ----------
        results : pandas.DataFrame
            Records of :func:`run_experiment` or :func:`load_results`.
        attack : str, default="eng"
            The condition whose poisons are read.
        dataset : str, default=None
            Needed when ``results`` hold several datasets.
        victim, protocol, poison_ratio : default=None
            Restrict the cells averaged; None pools all of them.
        top_k : int, default=20
            Bars drawn: the most often changed features.
        ax : matplotlib Axes, default=None
            None creates a figure.

        Returns
        -------
        display : FeatureChangeDisplay
        """
        rows = _select(results, condition=attack, dataset=dataset)
        for key, value in (
            ("victim", victim),
            ("protocol", protocol),
            ("poison_ratio", poison_ratio),
        ):
            if value is not None:
                rows = _select(rows, **{key: value})
        stored = rows["feature_change_frequency"].dropna()
        if stored.empty:
            raise ValueError(
                f"results hold no feature change frequencies of {attack!r}."
            )
        table = pd.DataFrame([json.loads(text) for text in stored])
        display = cls(table.mean(), attack=attack, dataset=rows["dataset"].iloc[0])
        return display.plot(ax=ax, top_k=top_k)

    def plot(self, ax=None, *, top_k=20):
        """Draw the ``top_k`` most often changed features, most often on top.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            None creates a figure.
        top_k : int, default=20
            Number of bars.

        Returns
        -------
        display : FeatureChangeDisplay
            ``self``, with ``ax_`` and ``figure_`` set.
        """
        plt = import_pyplot()
        top = self.frequencies.sort_values(ascending=False).head(top_k)[::-1]
        if ax is None:
            _, ax = plt.subplots(
                figsize=(6.4, 0.28 * len(top) + 1.2), layout="constrained"
            )
        ax.barh(top.index.astype(str), top.to_numpy(), color=_color(self.attack))
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of poisons that change the feature")
        ax.set_title(f"{self.attack} on {self.dataset}: most changed features")
        ax.grid(axis="x", alpha=0.3)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self
