"""Replicate weights against R's as.svrepdesign, raked and post-stratified replicate designs.

`repweights_r.csv` comes from `repweights.R` in this folder (R 4.2.2, survey 4.1.1).
"""
import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisError, Design, bootstrap_weights, jackknife_weights
from tests.analysis.conftest import AGE, SEX, read_golden

RTOL = 1e-8


@pytest.fixture(scope="module")
def golden():
    return read_golden("repweights_r.csv")


def _domain_means(rw, y, groups):
    codes, levels = pd.factorize(groups, sort=True)
    onehot = np.eye(len(levels))[codes]
    num = onehot.T @ (rw.weights * y[:, None])
    den = onehot.T @ rw.weights
    return levels, num / den


def _check(prefix, rw, synth, golden):
    sat, idx = synth["sat"].to_numpy(float), synth["idx"].to_numpy(float)
    count = int(golden[f"{prefix}.count"])
    assert rw.count == count
    assert rw.scale == pytest.approx(golden[f"{prefix}.scale"], rel=RTOL)
    assert rw.rscales.sum() == pytest.approx(golden[f"{prefix}.rscales.sum"], rel=RTOL)
    sumw = np.array([golden[f"{prefix}.r{r:03d}.sumw"] for r in range(1, count + 1)])
    sumy = np.array([golden[f"{prefix}.r{r:03d}.sumy"] for r in range(1, count + 1)])
    np.testing.assert_allclose(rw.weights.sum(axis=0), sumw, rtol=RTOL)
    np.testing.assert_allclose(sat @ rw.weights, sumy, rtol=RTOL)
    for var, y in (("sat", sat), ("idx", idx)):
        se = np.sqrt(rw.variance((y @ rw.weights) / rw.weights.sum(axis=0)))
        assert se == pytest.approx(golden[f"{prefix}.se.{var}"], rel=RTOL)
    levels, means = _domain_means(rw, idx, synth["district"].to_numpy())
    for district, se in zip(levels, np.sqrt(rw.variance(means)), strict=True):
        assert se == pytest.approx(golden[f"{prefix}.d{district:02d}.se.idx"], rel=RTOL)


def test_jackknife_weights_are_rs(synth, designs, golden):
    _check("JKn", jackknife_weights(designs["d2n"]), synth, golden)


def test_jackknife_with_fpc_scales_each_replicate_by_the_sampling_fraction(synth, designs, golden):
    _check("JKnfpc", jackknife_weights(designs["d2"]), synth, golden)


def test_raked_replicates_are_raked_again_to_the_same_margins(synth, designs, golden):
    rw = jackknife_weights(designs["d2n"],
                           calibrate=lambda d: d.rake({"sex": SEX, "agegrp": AGE}))
    _check("JKnraked", rw, synth, golden)
    for r in (0, 80, 159):
        by_sex = pd.Series(rw.weights[:, r]).groupby(synth["sex"].to_numpy()).sum()
        assert by_sex.to_dict() == pytest.approx(SEX, rel=1e-10)


def test_post_stratified_replicates(synth, designs, golden):
    rw = jackknife_weights(designs["d2n"], calibrate=lambda d: d.post_stratify("agegrp", AGE))
    _check("JKnps", rw, synth, golden)


def test_lonely_stratum_adjusted_as_r(synth, golden):
    lonely = synth.copy()
    lonely.loc[lonely["stratum"] == 8, "psu"] = 1
    design = Design(lonely, weights="wc", strata="stratum", psu="psu", lonely_psu="adjust")
    rw = jackknife_weights(design)
    assert rw.count == golden["JKnadjust.count"]
    sat = lonely["sat"].to_numpy(float)
    se = np.sqrt(rw.variance((sat @ rw.weights) / rw.weights.sum(axis=0)))
    assert se == pytest.approx(golden["JKnadjust.se.sat"], rel=RTOL)


def test_bootstrap_constants_and_draws(synth, designs, golden):
    rw = bootstrap_weights(designs["d2n"], replicates=50, seed=7)
    assert rw.scale == pytest.approx(golden["BOOT.scale"], rel=RTOL)
    assert rw.count == 50 and np.all(rw.rscales == 1)
    # Every stratum draws n_h PSUs: each replicate keeps the stratum's PSU count and total weight.
    w = designs["d2n"].weights
    multipliers = rw.weights / w[:, None]
    psus = synth.groupby(["stratum", "psu"]).ngroup().to_numpy()
    first = np.unique(psus, return_index=True)[1]
    per_stratum = pd.DataFrame(multipliers[first]).groupby(synth["stratum"].to_numpy()[first]).sum()
    assert (per_stratum.to_numpy() == 20).all()
    again = bootstrap_weights(designs["d2n"], replicates=50, seed=7)
    np.testing.assert_array_equal(rw.weights, again.weights)


def test_bootstrap_variance_is_close_to_the_linearised_one(synth, designs):
    rw = bootstrap_weights(designs["d2n"], replicates=400, seed=3)
    sat = synth["sat"].to_numpy(float)
    se = np.sqrt(rw.variance((sat @ rw.weights) / rw.weights.sum(axis=0)))
    taylor = designs["d2n"].mean("sat").iloc[0].se
    assert se == pytest.approx(taylor, rel=0.15)


def test_calibrated_designs_and_single_replicates_are_refused(designs):
    with pytest.raises(AnalysisError) as err:
        jackknife_weights(designs["d1n"].rake({"sex": SEX, "agegrp": AGE}))
    assert err.value.code == "replicate.calibrated"
    with pytest.raises(AnalysisError) as err:
        bootstrap_weights(designs["d2n"], replicates=1, seed=0)
    assert err.value.code == "replicate.count"
