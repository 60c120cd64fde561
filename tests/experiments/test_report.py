import json

import numpy as np
import pandas as pd
import pytest

from skfrl.experiments import (
    FeatureChangeDisplay,
    summarise,
    summary_to_markdown,
    write_report,
)

pytestmark = pytest.mark.usefixtures("pyplot")


def test_summary_has_one_row_per_group_with_means_stds_and_wins(fake_results):
    summary = summarise(fake_results())
    assert len(summary) == 2 * 2 * 4
    assert list(summary.columns[:10]) == [
        "dataset",
        "victim",
        "surrogate",
        "protocol",
        "poison_ratio",
        "defence",
        "condition",
        "n_seeds",
        "probe_bce_mean",
        "probe_bce_std",
    ]
    # results without defence and surrogate columns
    assert set(summary["defence"]) == set(summary["surrogate"]) == {"none"}
    for metric in (
        "delta_bce_vs_duplicate",
        "delta_bce_vs_clean",
        "downstream_accuracy",
        "demographic_parity_difference",
        "equalized_odds_difference",
    ):
        assert {f"{metric}_mean", f"{metric}_std"} <= set(summary.columns)
    assert summary["condition"].tolist()[:4] == ["clean", "duplicate", "eng", "raa"]
    eng = summary[(summary["condition"] == "eng") & (summary["poison_ratio"] == 0.1)]
    np.testing.assert_allclose(eng["delta_bce_vs_duplicate_mean"], 0.12)
    np.testing.assert_allclose(eng["probe_bce_mean"], 0.51 - 0.12)
    np.testing.assert_allclose(eng["probe_bce_std"], 0.01)
    assert (eng["wins"] == 3).all() and (eng["n_seeds"] == 3).all()
    assert (summary.loc[summary["condition"] == "raa", "wins"] == 0).all()


def test_summary_of_a_run(tiny_run):
    _, results = tiny_run
    summary = summarise(results)
    assert len(summary) == 2 * 4  # ratios x conditions
    assert (summary["n_seeds"] == 2).all()


def test_summary_rejects_empty_or_foreign_frames():
    with pytest.raises(ValueError, match="empty"):
        summarise(pd.DataFrame())
    with pytest.raises(ValueError, match="lacks the columns"):
        summarise(pd.DataFrame({"dataset": ["german"]}))


def test_markdown_table(fake_results):
    text = summary_to_markdown(summarise(fake_results(victims=["cfair"], ratios=[0.1])))
    lines = text.splitlines()
    assert lines[0].startswith(
        "| dataset | victim | protocol | ratio | condition | n | H(s) | probe BCE |"
    )
    assert "| hgb probe BCE | ΔBCE vs duplicate (hgb) | wins (hgb) |" in lines[0]
    assert lines[1].startswith("|---|---|---|---|---|---:|")
    assert len(lines) == 2 + 4
    eng = (
        "| german | cfair | finetune | 0.1 | eng | 3 | 0.600 | 0.390 ± 0.010 "
        "| +0.120 ± 0.000 | 3/3 |"
    )
    assert eng in text
    assert "| 0.170 ± 0.010 | +0.240 ± 0.000 | 3/3 |" in text  # the hgb probe
    assert "| duplicate | 3 | 0.600 | 0.510 ± 0.010 | 0 | – |" in text
    one_seed = summary_to_markdown(summarise(fake_results(seeds=[0])))
    assert "±" not in one_seed  # no spread from one seed


def test_markdown_table_of_results_without_the_strong_probe(fake_results):
    old = fake_results(victims=["cfair"], ratios=[0.1]).drop(
        columns=["sensitive_entropy", "probe_bce_hgb", "delta_bce_hgb_vs_duplicate"]
    )
    text = summary_to_markdown(summarise(old))
    assert "nan" not in text
    assert "| eng | 3 | – | 0.390 ± 0.010 | +0.120 ± 0.000 | 3/3 |" in text
    assert "hgb" not in text  # a probe not measured gets no columns


def test_write_report_of_a_run(tiny_run, tmp_path):
    _, results = tiny_run
    paths = write_report(results, tmp_path)
    names = [p.name for p in paths]
    assert names == [
        "table.md",
        "table.csv",
        "leakage_synthetic_finetune.png",
        "fairness_synthetic_finetune.png",
        "feature_change_synthetic_finetune.png",
    ]
    assert all(p.stat().st_size > 0 for p in paths)
    assert pd.read_csv(tmp_path / "table.csv").shape[0] == 8
    frequencies = FeatureChangeDisplay.from_results(results).frequencies
    assert frequencies.index[0] == "informative_0" and len(frequencies) == 20


def test_cells_of_two_configurations_are_not_averaged_together(fake_results):
    results = fake_results(victims=["cfair"], ratios=[0.1])
    config = {"dataset": "german", "victim": "cfair", "n_epochs": 10}
    results["cell_config"] = [
        json.dumps({**config, "seed": int(seed), "n_epochs": 2 if seed else 10})
        for seed in results["seed"]
    ]
    with pytest.raises(
        ValueError, match=r"2 configurations .* differing in \['n_epochs'\]"
    ):
        summarise(results)
    results["cell_config"] = [
        json.dumps({**config, "seed": int(seed)}) for seed in results["seed"]
    ]
    assert summarise(results)["n_seeds"].eq(3).all()  # seeds alone may differ
