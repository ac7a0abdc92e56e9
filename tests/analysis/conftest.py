"""Fixtures for analysis/: the synthetic survey and our values for every golden key.

`synth.py`, `synth.R` and `golden_r.csv` are copies of the survey-stats reference data (R 4.2.2,
survey 4.1.1); `golden_extra.csv` comes from `golden_extra.R` in this folder, run once with the
same R, and `golden_bounds.csv` (bounded calibration) from `golden_bounds.R`. Tests read only
this folder.
"""
from pathlib import Path

import pandas as pd
import pytest
from synth import gen

from analysis import Design, estimate_index

HERE = Path(__file__).parent
INF = float("inf")
AGE = {1: 108000, 2: 144000, 3: 108000}
SEX = {1: 172800, 2: 187200}
CIPROP = {"logit": "logit", "beta": "beta", "xlogit": "logit", "asin": "asin", "mean": "wald"}


def read_golden(name: str) -> dict[str, float]:
    """key -> value; an empty cell (R's NA) becomes NaN."""
    frame = pd.read_csv(HERE / name)
    return dict(zip(frame["key"], frame["value"].astype(float), strict=True))


@pytest.fixture(scope="session")
def synth() -> pd.DataFrame:
    """The 6,000-row synthetic survey plus the derived columns golden_extra.R adds."""
    df = gen()
    df["ge3"] = (df["score"] >= 3).astype(float)
    df["s2"] = ((df["id"] * 7) % 5 + 1).astype(float).where(df["id"] % 7 != 0)
    df["idxna"] = df["idx"].where(df["id"] % 11 != 0)
    return df


@pytest.fixture(scope="session")
def designs(synth):
    """The designs of golden.R: D1 element + fpc, D2 cluster + fpc, and their no-fpc twins."""
    return {
        "d1": Design(synth, weights="w", strata="stratum", fpc="N"),
        "d1n": Design(synth, weights="w", strata="stratum"),
        "d2": Design(synth, weights="wc", strata="stratum", psu="psu", fpc="NPSU"),
        "d2n": Design(synth, weights="wc", strata="stratum", psu="psu"),
    }


def _by_district(out, prefix, table, columns):
    for _, row in table.iterrows():
        for name, col in columns.items():
            out[f"{prefix}.d{int(row['district']):02d}.{name}"] = row[col]


def _first(table):
    return table.iloc[0]


@pytest.fixture(scope="session")
def ours_r(synth, designs):
    """Our value for every key of golden_r.csv, computed with the calls golden.R makes."""
    d1, d1n, d2, d2n = designs["d1"], designs["d1n"], designs["d2"], designs["d2n"]
    out = {}
    for var in ("sat", "idx"):
        m = _first(d1.mean(var))
        out[f"D1.mean.{var}"], out[f"D1.se.{var}"], out[f"D1.deff.{var}"] = m.estimate, m.se, m.deff
    t = _first(d1.total("sat"))
    out["D1.total.sat"], out["D1.se.total.sat"] = t.estimate, t.se
    r = _first(d1.ratio("sat", "ge3"))
    out["D1.ratio"], out["D1.se.ratio"] = r.estimate, r.se
    out["D1.degf"] = d1.df
    m = _first(d1n.mean("sat"))
    out["D1nofpc.se.sat"], out["D1nofpc.deff.sat"] = m.se, m.deff
    # svyby's CI columns use the normal quantile: df = inf.
    _by_district(out, "D1.by", d1.mean("sat", by="district", ci="wald", df=INF),
                 {"mean": "estimate", "se": "se", "ci_l": "ci_low", "ci_u": "ci_high",
                  "deff": "deff"})
    _by_district(out, "D1.byidx", d1.mean("idx", by="district"), {"mean": "estimate", "se": "se"})
    for r_method, method in CIPROP.items():
        table = d1.mean("sat", by="district", ci=method)
        _by_district(out, f"D1.ciprop.{r_method}", table, {"l": "ci_low", "u": "ci_high"})
    for _, row in d1.mean("sat", by="district").iterrows():
        out[f"D1.degf.d{int(row['district']):02d}"] = row["df"]
        out[f"D1.nrow.d{int(row['district']):02d}"] = row["n"]
    m = _first(d2.mean("sat"))
    out["D2.mean.sat"], out["D2.se.sat"], out["D2.deff.sat"] = m.estimate, m.se, m.deff
    out["D2.degf"] = d2.df
    _by_district(out, "D2.by", d2.mean("sat", by="district"), {"se": "se"})
    out["D2nofpc.se.sat"] = _first(d2n.mean("sat")).se
    lonely = synth.copy()
    lonely.loc[lonely["stratum"] == 8, "psu"] = 1
    for mode in ("remove", "adjust", "average", "certainty"):
        d3 = Design(lonely, weights="wc", strata="stratum", psu="psu", lonely_psu=mode)
        out[f"D3.lonely.{mode}.se"] = _first(d3.mean("sat")).se
    m = _first(d1n.post_stratify("agegrp", AGE).mean("sat"))
    out["PS.mean.sat"], out["PS.se.sat"] = m.estimate, m.se
    raked = d1n.rake({"sex": SEX, "agegrp": AGE}, max_iter=100, epsilon=1e-12)
    m = _first(raked.mean("sat"))
    out["RK.mean.sat"], out["RK.se.sat"] = m.estimate, m.se
    w = raked.weights
    out.update({"RK.w.id1": w[0], "RK.w.id2": w[1], "RK.w.sum": w.sum(), "RK.w.min": w.min(),
                "RK.w.max": w.max()})
    m = _first(d1n.calibrate({"sex": SEX, "agegrp": AGE}).mean("sat"))
    out["GREG.mean.sat"], out["GREG.se.sat"] = m.estimate, m.se
    jk = d2n.jackknife()
    m = _first(jk.mean("sat"))
    out["JKn.mean.sat"], out["JKn.se.sat"], out["JKn.degf"] = m.estimate, m.se, jk.df
    return out


@pytest.fixture(scope="session")
def ours_extra(synth, designs):
    """Our value for every key of golden_extra.csv (calls of golden_extra.R)."""
    d1, d1n, d2, d2n = designs["d1"], designs["d1n"], designs["d2"], designs["d2n"]
    out = {}
    _by_district(out, "TOTby", d1.total("sat", by="district"),
                 {"est": "estimate", "se": "se", "deff": "deff"})
    _by_district(out, "RATby", d1.ratio("sat", "ge3", by="district"), {"est": "estimate", "se": "se"})
    _by_district(out, "NAby", d1.mean("idxna", by="district"),
                 {"est": "estimate", "se": "se", "deff": "deff"})
    m = _first(d1.mean("idxna"))
    out["NA.mean"], out["NA.se"], out["NA.deff"] = m.estimate, m.se, m.deff
    _by_district(out, "D2by", d2.mean("sat", by="district"), {"deff": "deff"})
    for _, row in d2.mean("idx", by=["sex", "agegrp"]).iterrows():
        key = f"D2sexage.{int(row['sex'])}.{int(row['agegrp'])}"
        out[key + ".est"], out[key + ".se"], out[key + ".deff"] = row.estimate, row.se, row.deff
    dps = d1n.post_stratify("agegrp", AGE)
    _by_district(out, "PSby", dps.mean("sat", by="district"),
                 {"est": "estimate", "se": "se", "deff": "deff"})
    _by_district(out, "RKby", d1n.rake({"sex": SEX, "agegrp": AGE}).mean("idx", by="district"),
                 {"est": "estimate", "se": "se"})
    _by_district(out, "GREGby", d1n.calibrate({"sex": SEX, "agegrp": AGE}).mean("sat", by="district"),
                 {"est": "estimate", "se": "se"})
    m = _first(d2n.calibrate({"sex": SEX}, totals={"score": 1400000}).mean("sat"))
    out["GREGnum.mean"], out["GREGnum.se"] = m.estimate, m.se
    m = _first(d2n.post_stratify("agegrp", AGE).total("sat"))
    out["PS2.total"], out["PS2.se.total"] = m.estimate, m.se
    table = dps.mean("sat", by="district", ci="beta").set_index("district")
    for dd in (1, 15, 29):
        out[f"PSbeta.d{dd:02d}.l"] = table.loc[dd, "ci_low"]
        out[f"PSbeta.d{dd:02d}.u"] = table.loc[dd, "ci_high"]
        out[f"PSdegf.d{dd:02d}"] = table.loc[dd, "df"]
    lonely = synth.copy()
    lonely.loc[lonely["stratum"] == 8, "psu"] = 1
    for mode in ("adjust", "average", "remove"):
        d3 = Design(lonely, weights="wc", strata="stratum", psu="psu", lonely_psu=mode)
        _by_district(out, f"D3{mode}", d3.mean("sat", by="district"), {"se": "se"})
    jk = d2n.jackknife()
    _by_district(out, "JKnby", jk.mean("sat", by="district"), {"est": "estimate", "se": "se"})
    m = _first(jk.total("sat"))
    out["JKn.total"], out["JKn.se.total"] = m.estimate, m.se
    out["JKnfpc.se"] = _first(d2.jackknife().mean("sat")).se
    zero = synth.copy()
    zero.loc[zero["id"] % 13 == 0, "w"] = 0
    dz = Design(zero, weights="w", strata="stratum", psu="psu")
    m = _first(dz.mean("sat"))
    out["ZW.mean"], out["ZW.se"], out["ZW.deff"], out["ZW.degf"] = m.estimate, m.se, m.deff, dz.df
    spec = [{"id": "c", "rule": "mean_score", "items": ["score", "s2"], "weights": [0.3, 0.7]}]
    m = _first(estimate_index(d1, spec, "c"))
    out["COMP.est"], out["COMP.se"] = m.estimate, m.se
    return out

