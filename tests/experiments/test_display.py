import pandas as pd
import pytest

from skfrl.experiments import (
    FairnessVsRatioDisplay,
    FeatureChangeDisplay,
    LeakageVsRatioDisplay,
)

pytestmark = pytest.mark.usefixtures("pyplot")


def test_leakage_display_draws_one_panel_per_victim(fake_results):
    display = LeakageVsRatioDisplay.from_results(fake_results())
    assert display.axes_.shape == (1, 2)
    assert display.figure_ is display.axes_[0, 0].figure
    panel = display.axes_[0, 0]
    assert panel.get_title() == "cfair"
    labels = panel.get_legend_handles_labels()[1]
    assert labels == ["clean", "eng", "raa"]  # duplicate is the zero line
    assert "ΔBCE vs duplicate" in panel.get_ylabel()


def test_leakage_display_on_given_axes_and_filters(fake_results, pyplot):
    results = pd.concat([fake_results(), fake_results().assign(dataset="adult")])
    with pytest.raises(ValueError, match="several dataset values"):
        LeakageVsRatioDisplay.from_results(results)
    _, axes = pyplot.subplots(1, 2)
    display = LeakageVsRatioDisplay.from_results(
        results, dataset="adult", metric="probe_bce", ax=axes
    )
    assert display.axes_[0, 1] is axes[1]
    with pytest.raises(ValueError, match="ax must hold 2 Axes"):
        display.plot(ax=axes[:1])
    with pytest.raises(ValueError, match="metric must be one of"):
        LeakageVsRatioDisplay.from_results(fake_results(), metric="accuracy")


def test_fairness_display_draws_three_metrics_per_victim(fake_results):
    display = FairnessVsRatioDisplay.from_results(fake_results())
    assert display.axes_.shape == (3, 2)
    ylabels = [ax.get_ylabel() for ax in display.axes_[:, 0]]
    assert ylabels == ["accuracy", "DP gap", "EO gap"]
    assert len(display.axes_[0, 0].get_legend_handles_labels()[1]) == 4


def test_feature_change_display_averages_the_stored_frequencies(fake_results):
    display = FeatureChangeDisplay.from_results(fake_results(), top_k=1)
    assert display.frequencies["age"] == pytest.approx(0.9)
    assert display.frequencies["job"] == pytest.approx(0.1)
    bars = display.ax_.patches
    assert len(bars) == 1 and bars[0].get_width() == pytest.approx(0.9)
    assert display.figure_ is display.ax_.figure
    with pytest.raises(ValueError, match="'raa'"):
        FeatureChangeDisplay.from_results(fake_results(), attack="raa")
