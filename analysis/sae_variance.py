"""Sampling variances psi_d for the Fay-Herriot model, from the design (issue 15 §1).

The model treats psi_d, the sampling variance of area d's direct estimate, as known. It must be
the variance of the estimate being modelled (an item share, or a composite index with its
covariances between items), not a Bernoulli variance scaled by a whole-sample design effect:
that made psi several times the direct variance for composites and, with communes as PSUs,
equal to the between-commune variance itself, so every commune got the same estimate.

Per area, with n_d respondents, the direct linearised variance v_d (`estimate.summarise`), and
s2_d, the weighted spread of the per-person values whose mean is the estimate (for a share
p(1-p) n/(n-1); for a composite, of each person's contribution to it):

- `direct`  psi_d = v_d, where the area's own variance is stable: n_d >= STABLE_N, p not 0 or 1,
            v_d > 0 and the area spans two or more PSUs;
- `gvf`     elsewhere psi_d comes from a generalised variance function fitted over the stable
            areas: a Gamma GLM with log link (statsmodels) of v_d on log n_d and log s~2_d,
            E v_d = exp(b0 + b1 log n_d + b2 log s~2_d), with s~2_d = (n_d s2_d + K s2)/(n_d + K)
            the area's spread shrunk towards the whole sample's s2 with K = SPREAD_PRIOR
            pseudo-respondents (so p = 0 or 1 still has a spread). With fewer than
            MIN_GVF_AREAS stable areas the slopes are fixed at (-1, 1): psi = deff s~2 / n with
            the pooled deff of the stable areas (1 if there are none);
- `within`  when the areas are the PSUs (every sampled area lies in one PSU) the design gives
            no within-area variance at all: v_d is 0 up to rounding. psi_d is then modelled from
            the spread inside the area as simple random sampling within the area, times Kish's
            weighting effect of the area: psi_d = kish_d s~2_d / n_d. It leaves out any
            clustering below the area (villages), so it is a lower bound when there is some.

Validated by simulation with known truth for both designs, items and composites:
benchmarks/bench_sae.py (figures in its docstring).
"""
import numpy as np
import pandas as pd

from analysis import estimate, intervals

STABLE_N = 30  # the NCHS minimum sample size for a reliable direct estimate
MIN_GVF_AREAS = 8
SPREAD_PRIOR = 5.0
DIRECT, GVF, WITHIN = "direct", "gvf", "within"


def area_variances(design, lin: estimate.Linearised) -> pd.DataFrame:
    """Per area: n, direct estimate, direct variance, spread, Kish effect, psi and its source."""
    s = estimate.summarise(design, lin)
    n = s.n.astype(float)
    w = design.weights
    rows = np.flatnonzero((lin.dom >= 0) & (w != 0))
    d = lin.dom[rows]
    size = np.bincount(d, weights=w[rows], minlength=len(n))
    squares = np.bincount(d, weights=w[rows] ** 2, minlength=len(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        kish = n * squares / size**2
        spread = np.where(n > 1, s.s2, np.nan)
    overall = _overall_spread(spread, n)
    smoothed = (np.nan_to_num(spread) * n + SPREAD_PRIOR * overall) / (n + SPREAD_PRIOR)
    extreme = intervals.extreme(s.estimate) if lin.proportion else np.zeros(len(n), bool)
    sampled = n > 0
    one_psu = sampled & (s.psus <= 1)
    areas_are_psus = design.layout.psu is not None and one_psu[n > 1].all()
    with np.errstate(divide="ignore", invalid="ignore"):
        if areas_are_psus:
            psi = np.where(sampled, np.nan_to_num(kish, nan=1.0) * smoothed / n, np.nan)
            source = np.where(sampled, WITHIN, "")
        else:
            stable = (sampled & (n >= STABLE_N) & ~extreme & ~one_psu
                      & (s.var > estimate.ZERO_VARIANCE * s.scale))
            model = _gvf(s.var, n, smoothed, stable)
            psi = np.where(stable, s.var, np.where(sampled, model, np.nan))
            source = np.where(stable, DIRECT, np.where(sampled, GVF, ""))
    return pd.DataFrame({"n": s.n, "direct": np.where(sampled, s.estimate, np.nan),
                         "direct_var": s.var, "spread": spread, "kish": kish, "psi": psi,
                         "psi_source": source})


def _overall_spread(spread, n) -> float:
    ok = np.isfinite(spread) & (n > 1)
    return float(np.sum(spread[ok] * n[ok]) / np.sum(n[ok])) if ok.any() else 0.0


def _gvf(var, n, smoothed, stable) -> np.ndarray:
    """Predicted variance for every area from the stable ones (see the module docstring)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.column_stack([np.ones(len(n)), np.log(n), np.log(smoothed)])
        fixed = smoothed / n
    usable = stable & np.isfinite(x).all(axis=1) & (smoothed > 0)
    if usable.sum() >= MIN_GVF_AREAS:
        import statsmodels.api as sm  # about 1 s to import: only when a GVF is fitted

        fit = sm.GLM(var[usable], x[usable],
                     family=sm.families.Gamma(sm.families.links.Log())).fit()
        with np.errstate(invalid="ignore", over="ignore"):
            return np.exp(np.where(np.isfinite(x), x, 0) @ fit.params)
    deff = float(np.sum(var[usable]) / np.sum(fixed[usable])) if usable.any() else 1.0
    return deff * fixed
