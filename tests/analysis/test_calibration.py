"""Calibrated weights reproduce their targets; the golden tests cover the variances."""
import numpy as np
import pandas as pd
import pytest

AGE = {1: 108000, 2: 144000, 3: 108000}
SEX = {1: 172800, 2: 187200}


def _sums(design, column):
    return pd.Series(design.weights).groupby(design.data[column].to_numpy()).sum().to_dict()


def test_post_stratified_weights_hit_the_population_counts(designs):
    ps = designs["d1n"].post_stratify("agegrp", AGE)
    assert _sums(ps, "agegrp") == pytest.approx(AGE, rel=1e-12)
    assert ps.calibrated and not designs["d1n"].calibrated


def test_raked_weights_hit_every_margin(designs):
    raked = designs["d1n"].rake({"sex": SEX, "agegrp": AGE})
    assert _sums(raked, "sex") == pytest.approx(SEX, rel=1e-12)
    assert _sums(raked, "agegrp") == pytest.approx(AGE, rel=1e-12)


def test_greg_weights_reproduce_the_totals(designs):
    cal = designs["d2n"].calibrate({"sex": SEX}, totals={"score": 1_400_000})
    assert _sums(cal, "sex") == pytest.approx(SEX, rel=1e-12)
    assert cal.weights @ cal.data["score"] == pytest.approx(1_400_000, rel=1e-12)


def test_greg_on_one_margin_is_post_stratification(designs):
    """Linear calibration to a single categorical margin gives the post-stratified design."""
    ps = designs["d2n"].post_stratify("agegrp", AGE).mean("sat", by="district")
    greg = designs["d2n"].calibrate({"agegrp": AGE}).mean("sat", by="district")
    np.testing.assert_allclose(ps["estimate"], greg["estimate"], rtol=1e-12)
    np.testing.assert_allclose(ps["se"], greg["se"], rtol=1e-10)


def test_calibrations_chain(designs):
    chained = designs["d1n"].post_stratify("agegrp", AGE).rake({"sex": SEX, "agegrp": AGE})
    assert len(chained.steps) == 2
    assert _sums(chained, "sex") == pytest.approx(SEX, rel=1e-12)
    assert np.isfinite(chained.mean("sat", by="district")["se"]).all()


def test_category_keys_match_by_value(designs):
    """Margins keyed by 1.0 or 1 address the same category as the data's integer 1."""
    a = designs["d1n"].post_stratify("agegrp", AGE)
    b = designs["d1n"].post_stratify("agegrp", {float(k): v for k, v in AGE.items()})
    np.testing.assert_array_equal(a.weights, b.weights)
