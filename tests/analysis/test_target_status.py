"""Target assessment: status from the interval, one-sided p-value that inverts the same interval."""
import numpy as np
import pytest

from analysis import Design, assess_target, estimate_index

METHODS = ("beta", "logit", "wald", "wilson", "asin")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("target", [0.80, 0.90, 0.95])
def test_met_exactly_when_p_is_below_half_alpha(designs, method, target):
    table = assess_target(designs["d1"], "sat", target, by="district", ci=method)
    met = table["status"] == "met"
    assert (met == (table["p_value"] <= 0.025)).all()
    assert (met == (table["ci_low"] >= target)).all()
    assert (table.loc[table["status"] == "not_met", "ci_high"] < target).all()


def test_statuses_on_the_synthetic_districts(designs):
    table = assess_target(designs["d1"], "sat", 0.95, by="district").set_index("district")
    assert table.loc[[28, 29, 30], "status"].eq("met").all()
    assert table.loc[1, "status"] == "not_met"
    assert table.loc[27, "status"] == "inconclusive"
    assert ((table["p_value"] >= 0) & (table["p_value"] <= 1)).all()


def test_exact_tail_at_p_one(designs):
    """At p = 1 the p-value is tau^n*, so a small all-satisfied domain stays inconclusive."""
    table = assess_target(designs["d1"], "sat", 0.95, by="district").set_index("district")
    row = table.loc[30]
    assert row["p_value"] == pytest.approx(0.95 ** 193.908, rel=1e-4)
    small = designs["d1"].data.query("district == 30").head(40)
    tiny = assess_target(Design(small, weights="w", strata="stratum"), "sat", 0.95)
    assert tiny["status"][0] == "inconclusive"
    assert tiny["p_value"][0] > 0.025


def test_target_on_an_index(designs):
    defs = [{"id": "sat", "rule": "top2_share", "items": ["score"]}]
    table = estimate_index(designs["d1"], defs, "sat", by="district", target=0.9)
    plain = assess_target(designs["d1"], "sat", 0.9, by="district")
    np.testing.assert_array_equal(table["status"], plain["status"])
    np.testing.assert_allclose(table["p_value"], plain["p_value"], rtol=1e-12)
