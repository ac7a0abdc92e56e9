"""Edge cases per METHODS decisions: p in {0,1}, lonely PSUs, df <= 0, empty domains, zero weights."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import AnalysisError, Design

METHODS = ("beta", "logit", "wald", "wilson", "asin")


@pytest.fixture
def survey():
    rng = np.random.default_rng(3)
    n = 600
    df = pd.DataFrame({
        "stratum": rng.integers(1, 5, n),
        "psu": rng.integers(1, 8, n),
        "dom": rng.integers(1, 7, n),
        "w": rng.uniform(5, 15, n),
    })
    df["sat"] = (rng.random(n) < 0.8).astype(int)
    df.loc[df["dom"] == 1, "sat"] = 1
    df.loc[df["dom"] == 2, "sat"] = 0
    return df


def _n_star(n, df, level=0.95):
    a = (1 - level) / 2
    return min(n, n * (stats.t.ppf(a, n - 1) / stats.t.ppf(a, df)) ** 2)


@pytest.mark.parametrize("method", METHODS)
def test_p_zero_and_one_get_the_nchs_interval_and_a_flag(survey, method):
    d = Design(survey, weights="w", strata="stratum", psu="psu")
    table = d.mean("sat", by="dom", ci=method).set_index("dom")
    one, zero = table.loc[1], table.loc[2]
    assert (one["ci_high"], zero["ci_low"]) == (1.0, 0.0)
    assert one["ci_low"] == pytest.approx(0.025 ** (1 / _n_star(one["n"], one["df"])), rel=1e-12)
    assert zero["ci_high"] == pytest.approx(1 - 0.025 ** (1 / _n_star(zero["n"], zero["df"])),
                                            rel=1e-12)
    for row in (one, zero):
        assert "extreme_p" in row["flags"].split(";")
        assert np.isnan(row["deff"])
    assert not table.loc[3:, "flags"].str.contains("extreme_p").any()


def test_non_binary_variables_fall_back_to_wald(survey):
    d = Design(survey.assign(y=survey["sat"] * 2.5), weights="w", strata="stratum")
    beta, wald = d.mean("y", ci="beta"), d.mean("y", ci="wald")
    pd.testing.assert_frame_equal(beta, wald)


def test_lonely_psu_fail_names_the_stratum(survey):
    lonely = survey.assign(psu=np.where(survey["stratum"] == 3, 1, survey["psu"]))
    with pytest.raises(AnalysisError) as error:
        Design(lonely, weights="w", strata="stratum", psu="psu")
    assert error.value.code == "psu.lonely"
    assert error.value.details["stratum"] == 3


def test_lonely_psu_modes_relate_as_r(survey):
    lonely = survey.assign(psu=np.where(survey["stratum"] == 3, 1, survey["psu"]))
    se = {mode: Design(lonely, weights="w", strata="stratum", psu="psu",
                       lonely_psu=mode).mean("sat")["se"][0]
          for mode in ("remove", "certainty", "adjust", "average")}
    assert se["remove"] == se["certainty"]
    assert se["adjust"] > se["remove"]
    # average: drop the stratum and scale by (4 strata) / (3 with two or more PSUs)
    assert se["average"] ** 2 == pytest.approx(se["remove"] ** 2 * 4 / 3, rel=1e-12)


def test_self_representing_single_psu_stratum_is_not_lonely(survey):
    """fpc = n_h: sampling fraction 1, no variance contribution, so 'fail' does not fail."""
    data = survey.assign(psu=np.where(survey["stratum"] == 3, 1, survey["psu"]),
                         npsu=np.where(survey["stratum"] == 3, 1, 50))
    full = Design(data, weights="w", strata="stratum", psu="psu", fpc="npsu")
    removed = Design(data, weights="w", strata="stratum", psu="psu", fpc="npsu",
                     lonely_psu="remove")
    assert full.mean("sat")["se"][0] == removed.mean("sat")["se"][0]


def test_domain_with_one_psu_per_stratum_has_zero_df_and_no_t_interval(survey):
    one_psu = (survey["stratum"] <= 2) & (survey["psu"] == 1)
    data = survey.assign(dom=np.where(one_psu, 9, 0))
    d = Design(data, weights="w", strata="stratum", psu="psu")
    row = d.mean("sat", by="dom").set_index("dom").loc[9]
    assert row["df"] == 0
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert "small_df" in row["flags"].split(";")
    normal = d.mean("sat", by="dom", df=float("inf")).set_index("dom").loc[9]
    assert np.isfinite(normal["ci_low"])


def test_empty_domains_are_rows_of_nan_with_flags(survey):
    data = survey.assign(sat=survey["sat"].astype(float))
    data.loc[data["dom"] == 4, "sat"] = np.nan
    data.loc[data["dom"] == 5, "w"] = 0.0
    table = Design(data, weights="w", strata="stratum").mean("sat", by="dom").set_index("dom")
    for dom in (4, 5):
        row = table.loc[dom]
        assert row["n"] == 0
        assert np.isnan([row["estimate"], row["se"], row["ci_low"], row["ci_high"]]).all()
        assert {"small_n", "small_n_eff"} <= set(row["flags"].split(";"))
    assert table.loc[3, "n"] > 0


def test_zero_weight_rows_change_nothing_but_the_stratum_psu_count(survey):
    base = Design(survey, weights="w", strata="stratum", psu="psu")
    extra = survey.sample(50, random_state=1).assign(w=0.0, sat=1 - survey["sat"][:50].to_numpy())
    padded = Design(pd.concat([survey, extra]), weights="w", strata="stratum", psu="psu")
    a, b = base.mean("sat", by="dom"), padded.mean("sat", by="dom")
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-14)
    np.testing.assert_array_equal(a["n"], b["n"])
    np.testing.assert_array_equal(a["df"], b["df"])


def test_missing_values_are_outside_the_domain(survey):
    data = survey.assign(y=survey["sat"].astype(object))
    data.loc[::5, "y"] = ""
    data.loc[1::7, "y"] = None
    d = Design(data, weights="w", strata="stratum")
    kept = data["y"].map(lambda v: v not in ("", None))
    manual = Design(survey.assign(y=np.where(kept, survey["sat"], np.nan)), weights="w",
                    strata="stratum")
    pd.testing.assert_frame_equal(d.mean("y", by="dom"), manual.mean("y", by="dom"))
    assert d.mean("y")["n"][0] == kept.sum()


def test_missing_by_values_drop_rows_from_every_domain(survey):
    data = survey.assign(dom=survey["dom"].astype(float))
    data.loc[:9, "dom"] = np.nan
    table = Design(data, weights="w").mean("sat", by="dom")
    assert table["n"].sum() == len(data) - 10
    assert list(table["dom"]) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_small_samples_are_flagged(survey):
    table = Design(survey.iloc[:40], weights="w").mean("sat", by="dom")
    assert table["flags"].str.contains("small_n").all()
