"""Domain estimates as R's `svyby(..., deff=TRUE)`: linearise, then summarise into a table.

Linearised values z_i (METHODS §2) for domain d, with w the weights and delta_i = 1 in d:

- total   Y_d = sum w delta y                 z = w delta y
- ratio   R_d = sum w delta y / sum w delta x  z = w delta (y - R_d x) / sum w delta x
- mean    the ratio with x = 1

A row is in domain d when its `by` values are d's and its analysed values are not missing, so
item non-response is a domain (R's na.rm=TRUE): the row keeps its stratum's n_h.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import intervals, targets
from analysis.flags import reliability_flags
from analysis.variance import DENSE_CELLS, calibrated_variance, domain_variance


@dataclass(frozen=True, eq=False)
class Linearised:
    """Point estimates per domain and the influence values z of every row (0 outside)."""

    estimate: np.ndarray  # (D,)
    z: np.ndarray  # (n,)
    dom: np.ndarray  # (n,) domain of each row that is used, -1 for the others
    proportion: bool  # a share of a 0/1 variable: proportion intervals and the p in {0,1} rule


@dataclass(frozen=True, eq=False)
class Summary:
    """Everything a domain table shows, as arrays over domains."""

    estimate: np.ndarray
    var: np.ndarray
    df: np.ndarray  # R's degf on the domain
    srs: np.ndarray  # variance under SRS without replacement: the denominator of deff
    n: np.ndarray  # rows with non-zero weight
    n_kg: np.ndarray  # R's nrow(design) for the domain, used by Korn-Graubard
    s2: np.ndarray  # s^2 of u = z/w times N^2, so s2 / var = n / deff("replace")


def ratio_linear(w, y, x, dom, n_dom: int, proportion: bool = False) -> Linearised:
    """Linearise R_d = sum w y / sum w x in every domain (a mean when x = 1)."""
    rows = dom >= 0
    d, wr = dom[rows], w[rows]
    num = np.bincount(d, weights=wr * y[rows], minlength=n_dom)
    den = np.bincount(d, weights=wr * x[rows], minlength=n_dom)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num / den
        z = np.zeros(len(w))
        z[rows] = wr * (y[rows] - ratio[d] * x[rows]) / den[d]
    z[~np.isfinite(z)] = 0.0
    return Linearised(ratio, z, dom, proportion)


def total_linear(w, y, dom, n_dom: int) -> Linearised:
    """Linearise the domain total Y_d = sum w y."""
    rows = dom >= 0
    z = np.zeros(len(w))
    z[rows] = w[rows] * y[rows]
    return Linearised(np.bincount(dom[rows], weights=z[rows], minlength=n_dom), z, dom, False)


def summarise(design, lin: Linearised, var: np.ndarray | None = None,
              df: np.ndarray | None = None) -> Summary:
    """Variance, df, SRS variance and counts for every domain of `lin`.

    `var` and `df` replace the Taylor variance and R's domain degf (replicate designs).
    The SRS variance follows R's deff=TRUE (METHODS §6): with u = z/w on rows of non-zero
    weight, N = sum w and n their count in the domain,
    s2 = [sum w (u - ubar)^2 / N] * n/(n-1) * N^2 and V_srs = s2 (N - n)/(N n).
    (u = (y - ybar)/N for a mean, y for a total, the ratio residual over X for a ratio.)
    """
    layout, w = design.layout, design.weights
    n_dom = len(lin.estimate)
    if var is None and design.calibrated:
        var = calibrated_variance(layout, design.steps, lin.z, lin.dom, n_dom)
    elif var is None:
        var = domain_variance(layout, lin.z, lin.dom, n_dom)
    var = np.where(np.isfinite(lin.estimate), var, np.nan)
    rows = np.flatnonzero(lin.dom >= 0)
    used = rows[w[rows] != 0]
    d, wu = lin.dom[used], w[used]
    n = np.bincount(d, minlength=n_dom)
    size = np.bincount(d, weights=wu, minlength=n_dom)
    u = lin.z[used] / wu
    with np.errstate(divide="ignore", invalid="ignore"):
        ubar = np.bincount(d, weights=wu * u, minlength=n_dom) / size
        spread = np.bincount(d, weights=wu * (u - ubar[d]) ** 2, minlength=n_dom)
        s2 = spread / size * n / (n - 1) * size**2
        srs = s2 * (size - n) / (size * n)
    n_kg = (np.full(n_dom, layout.n) if design.calibrated
            else np.bincount(lin.dom[rows], minlength=n_dom))
    if df is None:
        df = domain_df(layout, used, d, n_dom)
    return Summary(lin.estimate, var, df, np.where(size >= n, srs, np.nan), n, n_kg, s2)


def domain_df(layout, used: np.ndarray, d: np.ndarray, n_dom: int) -> np.ndarray:
    """R's degf on a domain: distinct PSUs minus distinct strata among rows of non-zero weight."""
    strata = np.bincount(d * layout.n_strata + layout.strata[used],
                         minlength=n_dom * layout.n_strata) > 0
    n_strata = strata.reshape(n_dom, layout.n_strata).sum(axis=1)
    if layout.psu is None:
        return np.bincount(d, minlength=n_dom) - n_strata
    key = d * layout.n_psu + layout.psu[used]
    if n_dom * layout.n_psu <= DENSE_CELLS:
        seen = np.bincount(key, minlength=n_dom * layout.n_psu) > 0
        n_psu = seen.reshape(n_dom, layout.n_psu).sum(axis=1)
    else:
        n_psu = np.bincount(pd.unique(key) // layout.n_psu, minlength=n_dom)
    return n_psu - n_strata


def table(groups: pd.DataFrame, s: Summary, proportion: bool, ci: str, level: float,
          df=None, target: float | None = None) -> pd.DataFrame:
    """Assemble the domain table: `by` columns, then estimate, se, ci_low, ci_high, df, deff,
    n (rows with non-zero weight) and flags, and the target columns if asked.

    deff = V / V_srs is NaN where N < n (R: NA with a warning for means, a negative number
    for totals) and at p in {0, 1}, where R reports floating-point noise such as 9.6e31.

    `df=None` takes each domain's own df for the quantiles; a number (inf for the normal
    quantile, as in R's svyby CI columns) applies to all domains. Flags use the NCHS effective
    size p(1-p)/v for shares and n/deff("replace") otherwise, both capped at n.
    With a `target`, `target`, `status` and `p_value` are added (see `targets`).
    """
    quant_df = s.df.astype(float) if df is None else np.full(len(s.estimate), float(df))
    low, high = intervals.interval(ci, s.estimate, s.var, quant_df, s.n_kg, s.n, level,
                                   proportion)
    with np.errstate(divide="ignore", invalid="ignore"):
        if proportion:
            info = s.estimate * (1 - s.estimate)
            extreme = intervals.extreme(s.estimate)
            kg_low, kg_high = (low, high) if ci == "beta" else intervals.interval(
                "beta", s.estimate, s.var, quant_df, s.n_kg, s.n, level, True)
            width = kg_high - kg_low
        else:
            info = s.s2
            extreme = np.zeros(len(s.estimate), bool)
            width = np.full(len(s.estimate), np.nan)
        n_eff = np.where(s.var > 0, np.minimum(s.n, info / s.var), s.n)
        deff = np.where(s.srs > 0, s.var / s.srs, np.nan)
    deff[extreme] = np.nan
    n_eff = np.where(s.n > 0, n_eff, np.nan)
    out = groups.reset_index(drop=True).copy()
    out["estimate"] = s.estimate
    out["se"] = np.sqrt(s.var)
    out["ci_low"] = low
    out["ci_high"] = high
    out["df"] = s.df.astype(np.int64)
    out["deff"] = deff
    out["n"] = s.n.astype(np.int64)
    out["flags"] = reliability_flags(s.n, n_eff, s.df, extreme, width)
    if target is not None:
        out["target"] = float(target)
        out["status"], out["p_value"] = targets.assess(
            ci, s.estimate, s.var, quant_df, s.n_kg, s.n, level, proportion, low, high, target)
    return out
