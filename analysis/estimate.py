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

# A variance at most this fraction of sum z^2 is zero up to rounding (R leaves ~1e-16 residues).
ZERO_VARIANCE = 1e-10


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
    psus: np.ndarray  # PSUs (rows for element sampling) with non-zero weight in the domain
    scale: np.ndarray  # sum of z^2 over the domain: the size against which V counts as zero
    clustered: bool  # the design has PSUs (a one-PSU domain then has no variance)


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
    psus = domain_psus(layout, used, d, n_dom)
    if df is None:
        df = psus - domain_strata(layout, used, d, n_dom)
    srs = np.where(size > n, srs, s2 / n)
    scale = np.bincount(lin.dom[rows], weights=lin.z[rows] ** 2, minlength=n_dom)
    return Summary(lin.estimate, var, df, srs, n, n_kg, s2, psus, scale, layout.psu is not None)


def domain_df(layout, used: np.ndarray, d: np.ndarray, n_dom: int) -> np.ndarray:
    """R's degf on a domain: distinct PSUs minus distinct strata among rows of non-zero weight."""
    return domain_psus(layout, used, d, n_dom) - domain_strata(layout, used, d, n_dom)


def domain_strata(layout, used: np.ndarray, d: np.ndarray, n_dom: int) -> np.ndarray:
    strata = np.bincount(d * layout.n_strata + layout.strata[used],
                         minlength=n_dom * layout.n_strata) > 0
    return strata.reshape(n_dom, layout.n_strata).sum(axis=1)


def domain_psus(layout, used: np.ndarray, d: np.ndarray, n_dom: int) -> np.ndarray:
    """Distinct PSUs among the domain's rows of non-zero weight (rows without PSUs)."""
    if layout.psu is None:
        return np.bincount(d, minlength=n_dom)
    key = d * layout.n_psu + layout.psu[used]
    if n_dom * layout.n_psu <= DENSE_CELLS:
        seen = np.bincount(key, minlength=n_dom * layout.n_psu) > 0
        return seen.reshape(n_dom, layout.n_psu).sum(axis=1)
    return np.bincount(pd.unique(key) // layout.n_psu, minlength=n_dom)


def table(groups: pd.DataFrame, s: Summary, proportion: bool, ci: str, level: float,
          df=None, target: float | None = None) -> pd.DataFrame:
    """Assemble the domain table: `by` columns, then estimate, se, ci_low, ci_high, df, deff,
    n_eff, n (rows with non-zero weight) and flags, and the target columns if asked.

    One design effect and one effective size for every statistic, shares and composites alike
    (documented in DESIGN_EFFECTS.md beside the tests):

    - deff = V / V_srs with V_srs R's deff=TRUE (SRS without replacement, METHODS §6) when the
      weights sum to more than n, else R's deff="replace" (weights not scaled to a
      population: no finite population to correct for);
    - n_eff = n / max(deff, 1), so n_eff = n / deff whenever deff >= 1; the flag
      `small_n_eff` reads this n_eff;
    - at p in {0, 1} deff is NaN (R reports noise such as 9.6e31) and n_eff = n, the NCHS
      convention behind the interval there.

    Domains without a design-based variance get NaN for the interval, deff and n_eff, and
    status inconclusive (se stays R's value: 0 or rounding noise), never a zero-width
    interval: `single_psu` when a clustered design has all of the domain in one PSU (the
    variance formula then measures nothing: the PSU total of a domain mean's residuals is 0),
    `no_variance` when V <= ZERO_VARIANCE * sum z^2 (zero up to rounding, e.g. 4.6e-16) and
    p is not 0 or 1 (those take the NCHS interval).

    `df=None` takes each domain's own df for the quantiles; a number (inf for the normal
    quantile, as in R's svyby CI columns) applies to all domains. With a `target`, `target`,
    `status` and `p_value` are added (see `targets`).
    """
    extreme = intervals.extreme(s.estimate) if proportion else np.zeros(len(s.estimate), bool)
    single_psu = (s.psus == 1) & s.clustered & ~extreme
    zero = (s.var <= ZERO_VARIANCE * s.scale) & ~extreme & ~single_psu
    var = np.where(single_psu | zero, np.nan, s.var)
    quant_df = s.df.astype(float) if df is None else np.full(len(s.estimate), float(df))
    low, high = intervals.interval(ci, s.estimate, var, quant_df, s.n_kg, s.n, level,
                                   proportion)
    with np.errstate(divide="ignore", invalid="ignore"):
        if proportion:
            kg_low, kg_high = (low, high) if ci == "beta" else intervals.interval(
                "beta", s.estimate, var, quant_df, s.n_kg, s.n, level, True)
            width = kg_high - kg_low
        else:
            width = np.full(len(s.estimate), np.nan)
        deff = np.where(s.srs > 0, var / s.srs, np.nan)
        deff[extreme] = np.nan
        n_eff = np.where(extreme, s.n, s.n / np.maximum(deff, 1))
    n_eff = np.where(s.n > 0, n_eff, np.nan)
    out = groups.reset_index(drop=True).copy()
    out["estimate"] = s.estimate
    out["se"] = np.sqrt(s.var)  # R's value, even where it is not usable (see the flags)
    out["ci_low"] = low
    out["ci_high"] = high
    out["df"] = s.df.astype(np.int64)
    out["deff"] = deff
    out["n_eff"] = n_eff
    out["n"] = s.n.astype(np.int64)
    out["flags"] = reliability_flags(s.n, n_eff, s.df, extreme, width, single_psu, zero)
    if target is not None:
        out["target"] = float(target)
        out["status"], out["p_value"] = targets.assess(
            ci, s.estimate, var, quant_df, s.n_kg, s.n, level, proportion, low, high, target)
    return out
