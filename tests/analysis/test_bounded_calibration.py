"""Bounded calibration against R's calibrate(..., calfun, bounds) (golden_bounds.R beside this).

Every key of golden_bounds.csv must match within 1e-8 relative: the weights, their sum (R stops
at a relative misfit of 1e-7, so this checks the same Newton path), the mean and SE of sat and
district means of idx.
"""
import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisError, margin_report
from tests.analysis.conftest import AGE, SEX, read_golden

GOLDEN = read_golden("golden_bounds.csv")
STRATA = {h: 10000 * h for h in range(1, 9)}


def _calls(designs):
    d1n, d2n = designs["d1n"], designs["d2n"]
    both = {"sex": SEX, "agegrp": AGE}
    return {
        "RAKE": d1n.calibrate(both, calfun="raking"),
        "BRK": d1n.calibrate(both, calfun="raking", bounds=(0.7, 1.25)),
        "BRKL": d1n.calibrate(both, calfun="raking", bounds=(0.84, 1.5)),
        "BRKS": d1n.calibrate({"stratum": STRATA, **both}, calfun="raking", bounds=(0.7, 1.25)),
        "BRKC": d2n.calibrate(both, calfun="raking", bounds=(12, 125), bounds_const=True),
        "BLIN": d1n.calibrate(both, bounds=(0.7, 1.25)),
    }


@pytest.fixture(scope="module")
def ours(designs):
    out = {}
    for prefix, design in _calls(designs).items():
        w = design.weights
        m = design.mean("sat").iloc[0]
        out.update({f"{prefix}.w.id1": w[0], f"{prefix}.w.id2": w[1], f"{prefix}.w.id3": w[2],
                    f"{prefix}.w.sum": w.sum(), f"{prefix}.w.min": w.min(),
                    f"{prefix}.w.max": w.max(), f"{prefix}.mean.sat": m.estimate,
                    f"{prefix}.se.sat": m.se})
        for _, row in design.mean("idx", by="district").iterrows():
            key = f"{prefix}.by.d{int(row['district']):02d}"
            out[key + ".est"], out[key + ".se"] = row.estimate, row.se
    return out


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_bounded_calibration_matches_r(ours, key):
    assert ours[key] == pytest.approx(GOLDEN[key], rel=1e-8)


def test_bounds_hold_and_margins_are_met(designs):
    d1n = designs["d1n"]
    cal = d1n.calibrate({"stratum": STRATA, "sex": SEX, "agegrp": AGE}, calfun="raking",
                        bounds=(0.7, 1.25))
    g = cal.weights / d1n.weights
    assert g.min() >= 0.7 - 1e-12 and g.max() <= 1.25 + 1e-12
    report = margin_report(cal, {"stratum": STRATA, "sex": SEX, "agegrp": AGE})
    assert len(report) == 8 + 2 + 3
    assert np.abs(report["relative"]).max() < 1e-7


def test_unreachable_bounds_fail_or_report_the_missed_margin(designs):
    """R: 'Failed to converge: eps=0.00355068632830593 in 51 iterations', then an error."""
    d1n = designs["d1n"]
    margins = {"sex": SEX, "agegrp": AGE}
    with pytest.raises(AnalysisError) as caught:
        d1n.calibrate(margins, calfun="raking", bounds=(0.95, 1.05))
    assert caught.value.code == "calibrate.not_converged"
    forced = d1n.calibrate(margins, calfun="raking", bounds=(0.95, 1.05), force=True)
    g = forced.weights / d1n.weights
    assert g.min() >= 0.95 - 1e-12 and g.max() <= 1.05 + 1e-12
    report = margin_report(forced, margins)
    assert np.abs(report["relative"]).max() > 0.01
    assert list(report.columns) == ["variable", "category", "target", "achieved", "difference",
                                    "relative"]


def test_r_misfit_of_a_failed_calibration(designs):
    with pytest.raises(AnalysisError) as caught:
        designs["d1n"].calibrate({"sex": SEX, "agegrp": AGE}, calfun="raking", bounds=(0.8, 1.25))
    assert caught.value.details["misfit"] == pytest.approx(0.00355068632830593, rel=1e-8)


def test_margin_report_of_uncalibrated_weights(designs):
    report = margin_report(designs["d1n"], {"stratum": STRATA})
    assert report["achieved"].to_numpy() == pytest.approx(list(STRATA.values()), rel=1e-12)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"calfun": "logit", "bounds": (0.5, 2)}, "calibrate.calfun"),
    ({"calfun": "raking", "bounds": (2, 1)}, "calibrate.bounds"),
])
def test_bad_calibration_arguments(designs, kwargs, code):
    with pytest.raises(AnalysisError) as caught:
        designs["d1n"].calibrate({"sex": SEX}, **kwargs)
    assert caught.value.code == code


def test_equal_weights_identity(synth):
    """Unbounded raking with one margin is post-stratification."""
    from analysis import Design

    d = Design(pd.DataFrame({"g": synth["sex"], "y": synth["sat"]}))
    pop = {1: 3000.0, 2: 3000.0}
    a = d.calibrate({"g": pop}, calfun="raking").mean("y").iloc[0]
    b = d.post_stratify("g", pop).mean("y").iloc[0]
    assert a.estimate == pytest.approx(b.estimate, rel=1e-10)
    assert a.se == pytest.approx(b.se, rel=1e-8)
