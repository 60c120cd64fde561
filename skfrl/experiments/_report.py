"""The report of a results folder: the summary table and the displays' plots."""

from pathlib import Path

from ..utils import import_pyplot
from ._display import (
    FairnessVsRatioDisplay,
    FeatureChangeDisplay,
    LeakageVsRatioDisplay,
)
from ._summary import summarise, summary_to_markdown

__all__ = ["write_report"]


def write_report(results, out_dir):
    """Write the table (Markdown and CSV) and the plots of ``results``.

    Parameters
    ----------
    results : pandas.DataFrame
        Records of :func:`run_experiment` or :func:`load_results`.
    out_dir : str or path-like
        Folder for ``table.md``, ``table.csv`` and, per dataset and
        protocol, ``leakage_<dataset>_<protocol>.png``,
        ``fairness_<dataset>_<protocol>.png`` and, when ENG ran,
        ``feature_change_<dataset>_<protocol>.png``.

    Returns
    -------
    paths : list of pathlib.Path
        The files written, ``table.md`` first.
    """
    plt = import_pyplot()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = summarise(results)
    paths = [out_dir / "table.md", out_dir / "table.csv"]
    paths[0].write_text(summary_to_markdown(summary), encoding="utf-8")
    summary.to_csv(paths[1], index=False)
    for (dataset, protocol), rows in results.groupby(["dataset", "protocol"]):
        plots = {
            "leakage": LeakageVsRatioDisplay.from_results,
            "fairness": FairnessVsRatioDisplay.from_results,
        }
        if "eng" in set(rows["condition"]):
            plots["feature_change"] = FeatureChangeDisplay.from_results
        for name, plot in plots.items():
            figure = plot(rows).figure_
            paths.append(out_dir / f"{name}_{dataset}_{protocol}.png")
            figure.savefig(paths[-1], dpi=120, bbox_inches="tight")
            plt.close(figure)
    return paths
