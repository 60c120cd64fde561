import numpy as np
import pytest

from skfrl.metrics import detection_auc, true_positive_rate_at_fpr


def test_perfect_and_chance_detection():
    mask = np.r_[np.zeros(90, bool), np.ones(10, bool)]
    scores = np.r_[np.zeros(90), np.ones(10)]
    assert detection_auc(mask, scores) == 1.0
    assert true_positive_rate_at_fpr(mask, scores) == 1.0
    assert detection_auc(mask, np.ones(100)) == 0.5
    assert true_positive_rate_at_fpr(mask, np.ones(100), fpr=0.05) == pytest.approx(
        0.05
    )


def test_tpr_at_fpr_interpolates_as_random_tie_breaking_would():
    # 20 clean rows and one poison tie at 0; one poison scores alone at the top
    mask = np.r_[np.zeros(20, bool), True, True]
    scores = np.r_[np.zeros(20), 0.0, 1.0]
    assert true_positive_rate_at_fpr(mask, scores, fpr=0.0) == 0.5
    assert true_positive_rate_at_fpr(mask, scores, fpr=0.05) == pytest.approx(0.525)
    assert true_positive_rate_at_fpr(mask, scores, fpr=1.0) == 1.0


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="decision_scores has 2 entries"):
        detection_auc([True, False, False], [0.1, 0.2])
    with pytest.raises(ValueError, match="some poisons and some clean rows"):
        detection_auc([False, False], [0.1, 0.2])
    with pytest.raises(ValueError, match="poison_mask must be boolean"):
        detection_auc([0, 2, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="decision_scores"):
        detection_auc([True, False], [np.nan, 0.2])
    with pytest.raises(ValueError, match="'fpr' parameter"):
        true_positive_rate_at_fpr([True, False], [0.1, 0.2], fpr=2)
