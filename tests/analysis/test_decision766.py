"""Decision 766 indicator 5.4 against hand-computed cases."""
import pytest

from analysis import indicator_54


@pytest.mark.parametrize("dossiers, late, complained, rate, score", [
    (200, 10, 6, 1 - (10 / 200 + 6 / 200), 6.0),  # 92%: above 90% gives full marks
    (100, 10, 0, 0.90, 6.0),  # exactly 90%
    (100, 10, 5, 0.85, 6 * 0.85 / 0.90),  # 5.6667 points
    (100, 100, 0, 0.0, 0.0),  # all late
    (100, 70, 60, 0.0, 0.0),  # 130% of dossiers late or complained: floored at 0, not -30%
])
def test_rate_and_score_by_hand(dossiers, late, complained, rate, score):
    result = indicator_54(dossiers, late, complained)
    assert result.rate == pytest.approx(rate, abs=1e-12)
    assert result.score == pytest.approx(score, abs=1e-12)


def test_a_dossier_late_and_disliked_counts_in_both_rates():
    # 10 dossiers: one both late and disliked, one only disliked. 100% − (10% + 20%) = 70%.
    result = indicator_54(10, late=1, complained_or_disliked=2)
    assert (result.late_rate, result.complaint_rate) == (0.1, 0.2)
    assert result.rate == pytest.approx(0.7)
    assert result.score == pytest.approx(6 * 0.7 / 0.9)
    assert result.gap_to(0.95) == pytest.approx(0.25) and result.gap_to(0.9) == pytest.approx(0.2)


def test_no_dossier_scores_zero_with_no_rate():
    result = indicator_54(0, 0, 0)
    assert (result.rate, result.score, result.gap_to(0.95)) == (None, 0.0, None)


@pytest.mark.parametrize("counts", [(-1, 0, 0), (10, 11, 0), (10, 0, 12), (10, -2, 0)])
def test_impossible_counts_are_refused(counts):
    with pytest.raises(ValueError):
        indicator_54(*counts)
