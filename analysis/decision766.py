"""Decision 766/QĐ-TTg indicator 5.4: the satisfaction rate the national portal scores.

    rate  = 100% − (late ÷ dossiers + with PAKN or "dislike" ÷ dossiers), floored at 0
    score = min(6, 6 × rate ÷ 90%); 0 when the unit handled no dossier

The two rates are added, so a dossier both late and disliked counts in both. The portal's
description does not say what happens below 0%: the rate is floored at 0 here (a negative
satisfaction rate has no meaning, and the score would be negative).

Source: the portal's formula description "Mô tả công thức tính chỉ số 766" (indicator 5.4 "Tỷ lệ
hài lòng trong tiếp nhận, giải quyết TTHC", and 2.1 for on-time handling), as extracted and checked
against 492 live portal scores by the public repository ChippedTopaz/qd766
(`web/src/formula-document.ts`, `tools/analyze_scoring_formulas.py`). It is a reproduction, not the
legal text. Checked on 2026-12-04; a correction is a change to this module alone.
"""
from dataclasses import dataclass

FULL_MARKS_RATE = 0.90  # the rate at which the 6 points are reached
MAX_SCORE = 6.0


@dataclass(frozen=True)
class Indicator54:
    dossiers: int
    late: int
    complained_or_disliked: int
    late_rate: float | None
    complaint_rate: float | None
    rate: float | None  # None when the unit handled no dossier
    score: float

    def gap_to(self, target: float) -> float | None:
        """How far the rate is below `target` (0 when it is reached); None without dossiers."""
        return None if self.rate is None else max(0.0, target - self.rate)


def indicator_54(dossiers: int, late: int, complained_or_disliked: int) -> Indicator54:
    """Indicator 5.4 of one unit and period from its dossier counts."""
    for name, value in (("dossiers", dossiers), ("late", late),
                        ("complained_or_disliked", complained_or_disliked)):
        if value < 0:
            raise ValueError(f"{name} must not be negative")
        if value > dossiers:
            raise ValueError(f"{name} must not exceed the dossiers handled")
    if dossiers == 0:
        return Indicator54(0, 0, 0, None, None, None, 0.0)
    late_rate, complaint_rate = late / dossiers, complained_or_disliked / dossiers
    rate = max(0.0, 1.0 - (late_rate + complaint_rate))
    return Indicator54(dossiers, late, complained_or_disliked, late_rate, complaint_rate, rate,
                       min(MAX_SCORE, MAX_SCORE * rate / FULL_MARKS_RATE))
