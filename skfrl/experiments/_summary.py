"""Paper-style tables of a results frame: averages over seeds, as Markdown."""

import json

import numpy as np
import pandas as pd

from ._schema import (
    CONDITIONS,
    DEFENCE_METRICS,
    LEAKAGE_METRICS,
    OPTIONAL,
    SUMMARY_KEY,
    UTILITY_METRICS,
    strong_probe_columns,
)
from .catalogue import DEFENCES, STRONG_PROBES

__all__ = ["condition_order", "summarise", "summary_to_markdown"]

#: key columns older stores lack, "none" there: no surrogate, no defence
_LABELLED = ("surrogate", "defence")
_METRICS = [*LEAKAGE_METRICS, *UTILITY_METRICS, "sensitive_entropy", *DEFENCE_METRICS]


def summarise(results):
    """Average the records over seeds, per cell key, defence and condition.

    Parameters
    ----------
    results : pandas.DataFrame
        Records of :func:`run_experiment` or :func:`load_results`.

    Returns
    -------
    summary : pandas.DataFrame
        One row per dataset × victim × surrogate (``"none"``: crafted on
        θ0) × protocol × poisoning ratio × defence
        (``"none"``, then the grid's sanitisers) × condition (``"clean"``,
        ``"duplicate"``, then the attacks): ``n_seeds``, the
        mean and standard deviation over seeds (``<metric>_mean``,
        ``<metric>_std``) of ``probe_bce``, ``delta_bce_vs_duplicate``,
        ``delta_bce_vs_clean``, each strong probe's ``probe_bce_<probe>``
        and ``delta_bce_<probe>_vs_duplicate`` (NaN where it was not
        measured), ``downstream_accuracy``,
        ``demographic_parity_difference``, ``equalized_odds_difference``
        ``sensitive_entropy`` (H(s) of the scored target rows), the
        defence's ``detection_auc``, ``tpr_at_5_fpr``, ``n_removed`` and
        ``n_poison_removed`` (NaN without a defence), and
        ``wins`` (``wins_<probe>``): the seeds where the condition leaks
        more than the duplicates (ΔBCE > 0, the paper's convention) under
        the default probe (under a strong probe).

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
    optional = {*OPTIONAL, *_LABELLED}
    missing = sorted(set(SUMMARY_KEY + _METRICS) - set(results.columns) - optional)
    if missing:
        raise ValueError(f"results lacks the columns {missing}.")
    df = results.copy()
    for column in _LABELLED:  # stores written before skfrl had them
        df[column] = df[column].fillna("none") if column in df else "none"
    _check_one_config_per_row(df)
    for column in OPTIONAL:
        if column not in df:
            df[column] = np.nan
    df["condition"] = pd.Categorical(df["condition"], condition_order(df))
    defences = ["none", *(d for d in DEFENCES if d in set(df["defence"]))]
    defences += [d for d in dict.fromkeys(df["defence"]) if d not in defences]
    df["defence"] = pd.Categorical(df["defence"], defences)
    groups = df.groupby(SUMMARY_KEY, observed=True, sort=True)
    summary = groups[_METRICS].agg(["mean", "std"])
    summary.columns = [f"{metric}_{stat}" for metric, stat in summary.columns]
    summary.insert(0, "n_seeds", groups.size())
    wins = {"wins": "delta_bce_vs_duplicate"}
    wins.update(
        {f"wins_{probe}": strong_probe_columns(probe)[1] for probe in STRONG_PROBES}
    )
    for column, metric in wins.items():
        summary[column] = groups[metric].agg(lambda d: int((d > 0).sum()))
    summary = summary.reset_index()
    summary["condition"] = summary["condition"].astype(str)
    for column in _LABELLED:
        summary[column] = summary[column].astype(str)
    return summary


def _check_one_config_per_row(results):
    """Refuse to average cells run with different settings into one row.

    Seeds of one summary row must differ in their seed only; cells of a
    changed configuration written to the same folder (other epochs, other
    victim parameters) would otherwise be averaged together.
    """
    if "cell_config" not in results:
        return
    key = [k for k in SUMMARY_KEY if k not in ("condition", "defence")]
    for values, rows in results.groupby(key, sort=False):
        configs = {
            json.dumps(
                {k: v for k, v in json.loads(c).items() if k != "seed"}, sort_keys=True
            )
            for c in rows["cell_config"].dropna().unique()
        }
        if len(configs) > 1:
            parsed = [json.loads(c) for c in configs]
            differ = sorted(
                k
                for k in set().union(*parsed)
                if len({json.dumps(p.get(k), sort_keys=True) for p in parsed}) > 1
            )
            raise ValueError(
                f"The results hold {len(configs)} configurations for "
                f"{dict(zip(key, values, strict=True))}, differing in {differ}; "
                "summarise the cells of one configuration at a time (one output "
                "folder per configuration, or filter the rows by cell_config)."
            )


def condition_order(results):
    """Return the conditions of ``results``: catalogued ones first, in order."""
    present = list(dict.fromkeys(results["condition"]))
    known = [c for c in CONDITIONS if c in present]
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
    probes = _measured_strong_probes(summary)
    defended = (summary["defence"] != "none").any()
    transfer = (summary["surrogate"] != "none").any()
    header = ["dataset", "victim"]
    header += ["surrogate"] if transfer else []
    header += ["protocol", "ratio"]
    header += ["defence"] if defended else []
    header += ["condition", "n", "H(s)"]
    header += ["probe BCE", "ΔBCE vs duplicate", "wins", "ΔBCE vs clean"]
    for probe in probes:
        header += [f"{probe} probe BCE", f"ΔBCE vs duplicate ({probe})"]
        header += [f"wins ({probe})"]
    header += ["accuracy", "DP gap", "EO gap"]
    header += ["detection AUC", "TPR at 5 % FPR"] if defended else []
    n_text = 5 + defended + transfer
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * n_text + "---:|" * (len(header) - n_text),
    ]
    for _, row in summary.iterrows():
        is_control = row["condition"] == "duplicate"
        cells = [str(row[key]) for key in ("dataset", "victim")]
        cells += [row["surrogate"]] if transfer else []
        cells += [row["protocol"], f"{row['poison_ratio']:g}"]
        cells += [row["defence"]] if defended else []
        cells += [row["condition"], str(row["n_seeds"])]
        entropy = row["sensitive_entropy_mean"]
        cells += ["–" if np.isnan(entropy) else f"{entropy:.{digits}f}"]
        cells += [
            _mean_std(row, "probe_bce", digits=digits),
            "0" if is_control else _mean_std(row, "delta_bce_vs_duplicate", True),
            "–" if is_control else f"{row['wins']}/{row['n_seeds']}",
            _mean_std(row, "delta_bce_vs_clean", True, digits),
        ]
        for probe in probes:
            bce, delta = strong_probe_columns(probe)
            cells += [
                _mean_std(row, bce, digits=digits),
                "0" if is_control else _mean_std(row, delta, True),
                "–"
                if is_control or np.isnan(row[f"{delta}_mean"])
                else f"{row[f'wins_{probe}']}/{row['n_seeds']}",
            ]
        cells += [_mean_std(row, metric, digits=digits) for metric in UTILITY_METRICS]
        if defended:
            cells += [
                _mean_std(row, metric, digits=digits)
                for metric in ("detection_auc", "tpr_at_5_fpr")
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _measured_strong_probes(summary):
    """Return the strong probes with a value in ``summary``."""
    return [
        probe
        for probe in STRONG_PROBES
        if summary[f"{strong_probe_columns(probe)[0]}_mean"].notna().any()
    ]
