"""Paper-style tables of a results frame, and the report of a results folder.

:func:`summarise` averages the records over seeds; :func:`summary_to_markdown`
renders the table; :func:`write_report` writes it with the plots of the
displays.
"""

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["summarise", "summary_to_markdown", "write_report"]

_KEY = ["dataset", "victim", "protocol", "poison_ratio", "condition"]
#: leakage under the default probe, then under the strong probe ("hgb")
LEAKAGE_METRICS = [
    "probe_bce",
    "delta_bce_vs_duplicate",
    "delta_bce_vs_clean",
    "probe_bce_hgb",
    "delta_bce_hgb_vs_duplicate",
]
UTILITY_METRICS = [
    "downstream_accuracy",
    "demographic_parity_difference",
    "equalized_odds_difference",
]
# absent from stores written before skfrl recorded them: NaN there
_OPTIONAL = ["sensitive_entropy", "probe_bce_hgb", "delta_bce_hgb_vs_duplicate"]
_METRICS = [*LEAKAGE_METRICS, *UTILITY_METRICS, "sensitive_entropy"]
_LABELS = {
    "probe_bce": "probe BCE (nats)",
    "delta_bce_vs_duplicate": "ΔBCE vs duplicate (nats)",
    "delta_bce_vs_clean": "ΔBCE vs clean (nats)",
    "probe_bce_hgb": "probe BCE, hgb probe (nats)",
    "delta_bce_hgb_vs_duplicate": "ΔBCE vs duplicate, hgb probe (nats)",
    "sensitive_entropy": "H(s) (nats)",
    "downstream_accuracy": "accuracy",
    "demographic_parity_difference": "DP gap",
    "equalized_odds_difference": "EO gap",
}
#: conditions in table order; their index picks a colour, stable across plots
_CONDITIONS = [
    "clean",
    "duplicate",
    "eng",
    "raa",
    "nraa",
    "label_flip",
    "sensitive_flip",
    "random",
]


def summarise(results):
    """Average the records over seeds, per dataset, victim, protocol, ratio.

    Parameters
    ----------
    results : pandas.DataFrame
        Records of :func:`run_experiment` or :func:`load_results`.

    Returns
    -------
    summary : pandas.DataFrame
        One row per dataset × victim × protocol × poisoning ratio × condition
        (``"clean"``, ``"duplicate"``, then the attacks): ``n_seeds``, the
        mean and standard deviation over seeds (``<metric>_mean``,
        ``<metric>_std``) of ``probe_bce``, ``delta_bce_vs_duplicate``,
        ``delta_bce_vs_clean``, the strong probe's ``probe_bce_hgb`` and
        ``delta_bce_hgb_vs_duplicate``, ``downstream_accuracy``,
        ``demographic_parity_difference``, ``equalized_odds_difference``
        and ``sensitive_entropy`` (H(s) of the scored target rows), and
        ``wins`` (``wins_hgb``): the seeds where the condition leaks more
        than the duplicates (ΔBCE > 0, the paper's convention) under the
        default (the strong) probe.

    Examples
    --------
    >>> import pandas as pd
    >>> from skfrl.experiments import summarise
    >>> results = pd.DataFrame({"dataset": "d", "victim": "v",
    ...     "protocol": "finetune", "poison_ratio": 0.1, "seed": [0, 0, 1, 1],
    ...     "condition": ["duplicate", "eng"] * 2, "probe_bce": [.5, .4, .6, .7],
    ...     "downstream_accuracy": .8, "demographic_parity_difference": .1,
    ...     "equalized_odds_difference": .1})
    >>> results["delta_bce_vs_duplicate"] = [0, .1, 0, -.1]
    >>> results["delta_bce_vs_clean"] = 0.0
    >>> summarise(results)[["condition", "n_seeds", "probe_bce_mean", "wins"]]
       condition  n_seeds  probe_bce_mean  wins
    0  duplicate        2            0.55     0
    1        eng        2            0.55     1
    """
    if results.empty:
        raise ValueError("results is empty: no cell has finished yet.")
    missing = sorted(set(_KEY + _METRICS) - set(results.columns) - set(_OPTIONAL))
    if missing:
        raise ValueError(f"results lacks the columns {missing}.")
    df = results.copy()
    for column in _OPTIONAL:
        if column not in df:
            df[column] = np.nan
    df["condition"] = pd.Categorical(df["condition"], _condition_order(df))
    groups = df.groupby(_KEY, observed=True, sort=True)
    summary = groups[_METRICS].agg(["mean", "std"])
    summary.columns = [f"{metric}_{stat}" for metric, stat in summary.columns]
    summary.insert(0, "n_seeds", groups.size())
    for column, metric in (
        ("wins", "delta_bce_vs_duplicate"),
        ("wins_hgb", "delta_bce_hgb_vs_duplicate"),
    ):
        summary[column] = groups[metric].agg(lambda d: int((d > 0).sum()))
    summary = summary.reset_index()
    summary["condition"] = summary["condition"].astype(str)
    return summary


def _condition_order(results):
    present = list(dict.fromkeys(results["condition"]))
    known = [c for c in _CONDITIONS if c in present]
    return known + [c for c in present if c not in known]


def _mean_std(row, metric, signed=False, digits=3):
    mean, std = row[f"{metric}_mean"], row[f"{metric}_std"]
    if np.isnan(mean):  # not recorded by the skfrl that wrote the results
        return "–"
    text = f"{mean:+.{digits}f}" if signed else f"{mean:.{digits}f}"
    return text if np.isnan(std) else f"{text} ± {std:.{digits}f}"


def summary_to_markdown(summary, *, digits=3):
    """Render a summary as a Markdown table, mean ± standard deviation.

    Parameters
    ----------
    summary : pandas.DataFrame
        The output of :func:`summarise`.
    digits : int, default=3
        Decimals shown.

    Returns
    -------
    table : str
        A Markdown table, one line per row of ``summary``.
    """
    header = ["dataset", "victim", "protocol", "ratio", "condition", "n", "H(s)"]
    header += ["probe BCE", "ΔBCE vs duplicate", "wins", "ΔBCE vs clean"]
    header += ["hgb probe BCE", "ΔBCE vs duplicate (hgb)", "wins (hgb)"]
    header += ["accuracy", "DP gap", "EO gap"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * 5 + "---:|" * (len(header) - 5),
    ]
    for _, row in summary.iterrows():
        is_control = row["condition"] == "duplicate"
        cells = [str(row[key]) for key in ("dataset", "victim", "protocol")]
        cells += [f"{row['poison_ratio']:g}", row["condition"], str(row["n_seeds"])]
        entropy = row["sensitive_entropy_mean"]
        cells += ["–" if np.isnan(entropy) else f"{entropy:.{digits}f}"]
        cells += [
            _mean_std(row, "probe_bce", digits=digits),
            "0" if is_control else _mean_std(row, "delta_bce_vs_duplicate", True),
            "–" if is_control else f"{row['wins']}/{row['n_seeds']}",
            _mean_std(row, "delta_bce_vs_clean", True, digits),
            _mean_std(row, "probe_bce_hgb", digits=digits),
            "0" if is_control else _mean_std(row, "delta_bce_hgb_vs_duplicate", True),
            "–"
            if is_control or np.isnan(row["delta_bce_hgb_vs_duplicate_mean"])
            else f"{row['wins_hgb']}/{row['n_seeds']}",
        ]
        cells += [_mean_std(row, metric, digits=digits) for metric in UTILITY_METRICS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


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
    # the displays build on summarise, hence the import here
    from ._display import (
        FairnessVsRatioDisplay,
        FeatureChangeDisplay,
        LeakageVsRatioDisplay,
        pyplot,
    )

    plt = pyplot()
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
