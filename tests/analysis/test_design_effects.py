"""One deff and one n_eff for every statistic (DESIGN_EFFECTS.md), and domains without variance."""
import numpy as np
import pandas as pd
import pytest

from analysis import Design, estimate_index


@pytest.fixture
def communes():
    """Communes sampled as PSUs inside districts (strata): 6 districts x 5 communes x 40 people."""
    rng = np.random.default_rng(7)
    rows = []
    for district in range(6):
        for k in range(5):
            p = rng.uniform(0.3, 0.9)
            for _ in range(40):
                answers = [int(rng.choice([2, 4, 5] if rng.random() < p else [1, 2, 3]))
                           for _ in range(3)]
                rows.append((district, f"c{district}{k}", 25.0, *answers))
    return pd.DataFrame(rows, columns=["district", "commune", "w", "q1", "q2", "q3"])


SPECS = [{"id": "a", "rule": "top2_share", "items": ["q1", "q2"]},
         {"id": "b", "rule": "top2_share", "items": ["q3"]},
         {"id": "overall", "rule": "top2_share", "of": ["a", "b"]},
         {"id": "score", "rule": "mean_score", "items": ["q1", "q2", "q3"]}]


def test_a_commune_that_is_one_psu_has_no_design_variance(communes):
    d = Design(communes, weights="w", strata="district", psu="commune")
    table = estimate_index(d, SPECS, "overall", by="commune", target=0.95)
    assert table["se"].max() < 1e-12  # the variance formula measures nothing here
    for _, row in table.iterrows():
        assert row["flags"].split(";")[0] == "single_psu"
        assert "small_n_eff" not in row["flags"]
        assert np.isnan([row["ci_low"], row["ci_high"], row["deff"], row["n_eff"]]).all()
        assert row["status"] == "inconclusive"
    by_district = estimate_index(d, SPECS, "overall", by="district")
    assert not by_district["flags"].str.contains("single_psu").any()
    assert np.isfinite(by_district["ci_low"]).all()


def test_element_sampling_has_a_variance_in_every_commune(communes):
    d = Design(communes, weights="w", strata="district")
    table = estimate_index(d, SPECS, "overall", by="commune")
    assert not table["flags"].str.contains("single_psu|no_variance").any()
    assert (table["n_eff"] > 0).all()


@pytest.mark.parametrize("index", ["a", "overall", "score"])
def test_n_eff_is_n_over_deff_for_items_and_composites(communes, index):
    d = Design(communes, weights="w", strata="district", psu="commune")
    table = estimate_index(d, SPECS, index, by="district")
    expected = table["n"] / np.maximum(table["deff"], 1)
    np.testing.assert_allclose(table["n_eff"], expected, rtol=1e-12)
    flagged = table["flags"].str.contains("small_n_eff")
    assert (flagged == (table["n_eff"] < 30)).all()


def test_deff_of_a_composite_by_hand(communes):
    """Equal weights N/n, element sampling, one stratum: deff = V / (s^2 (1 - n/N) / n)."""
    data = communes.assign(one=1, w=1000.0)
    n, big_n = len(data), 1000.0 * len(data)
    d = Design(data, weights="w", strata="one", fpc=None)
    row = estimate_index(d, SPECS, "overall").iloc[0]
    top = (data[["q1", "q2", "q3"]] >= 4).astype(float)
    u = (top["q1"] + top["q2"]) / 4 + top["q3"] / 2  # the composite's per-person score
    var = u.var(ddof=1) / n  # V of a mean under SRS with replacement (no fpc given)
    srs = u.var(ddof=1) * (1 - n / big_n) / n
    assert row["se"] ** 2 == pytest.approx(var, rel=1e-10)
    assert row["deff"] == pytest.approx(var / srs, rel=1e-10)
    assert row["n_eff"] == pytest.approx(n * (1 - n / big_n), rel=1e-10)  # deff = 1/(1-f)
    assert row["n_eff"] == pytest.approx(n / row["deff"], rel=1e-12)


def test_a_variance_that_is_zero_is_not_computable(communes):
    data = communes.copy()
    data.loc[data["commune"] == "c00", ["q1", "q2", "q3"]] = 4  # everyone in c00 answers 4
    d = Design(data, weights="w", strata="district")
    row = estimate_index(d, SPECS, "score", by="commune").set_index("commune").loc["c00"]
    assert row["estimate"] == 75 and row["se"] == 0
    assert row["flags"].split(";")[0] == "no_variance"
    assert np.isnan([row["ci_low"], row["ci_high"], row["deff"], row["n_eff"]]).all()


def test_rounding_residue_counts_as_zero():
    """Two rows of one PSU each with weight 1/3: V is ~1e-33, never a zero-width interval."""
    data = pd.DataFrame({"s": [1, 1, 2, 2], "y": [0.1, 0.1, 0.3, 0.7], "w": [1 / 3] * 4,
                         "dom": [1, 1, 2, 2]})
    table = Design(data, weights="w", strata="s").mean("y", by="dom", target=0.2)
    first = table.iloc[0]
    assert "no_variance" in first["flags"] and first["status"] == "inconclusive"
    assert np.isnan(first["ci_low"])
    assert np.isfinite(table.iloc[1]["ci_low"])


def test_p_at_one_keeps_the_nchs_rule_not_no_variance(communes):
    data = communes.copy()
    data.loc[data["district"] == 0, ["q1", "q2", "q3"]] = 5
    d = Design(data, weights="w", strata="district")
    row = estimate_index(d, SPECS, "overall", by="district").iloc[0]
    assert row["flags"].split(";")[0] == "extreme_p"
    assert row["n_eff"] == row["n"] and np.isnan(row["deff"])
    assert row["ci_high"] == 1 and row["ci_low"] < 1
