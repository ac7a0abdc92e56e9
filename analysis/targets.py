"""Target assessment: is a domain's share at or above a target tau (e.g. 95% satisfied)?

The status reads the domain's confidence interval: `met` when ci_low >= tau, `not_met` when
ci_high < tau, `inconclusive` otherwise (and for domains without data).

The one-sided p-value tests H0: theta <= tau against theta > tau, so a small value is evidence
that the target is met. It inverts the same interval, so `met` holds exactly when
p <= (1 - level)/2:

- wald    t_df tail of (p - tau)/se
- logit   t_df tail of (logit p - logit tau) p(1-p)/se
- asin    t_df tail of (asin sqrt p - asin sqrt tau) 2 sqrt(p(1-p))/se
- wilson  t_df tail of (p - tau)/sqrt(tau(1-tau)/n_eff)
- beta    Beta(n_eff p, n_eff(1-p)+1) distribution function at tau (Clopper-Pearson duality),
          n_eff the Korn-Graubard effective size at `level`
- p in {0, 1}: tau^n* at p = 1 with the NCHS n* (the exact binomial tail), 1 at p = 0.
"""
import numpy as np
from scipy import special, stats

from analysis import intervals

MET, NOT_MET, INCONCLUSIVE = "met", "not_met", "inconclusive"


def assess_target(design, var: str, target: float, by=None, ci: str = "beta",
                  level: float = 0.95, df: float | None = None):
    """Domain table of the mean of `var` with `target`, `status` and `p_value` columns.

    The same as `design.mean(var, by, ci, level, df, target=target)`; for indices pass
    `target` to `estimate_index`.
    """
    return design.mean(var, by=by, ci=ci, level=level, df=df, target=target)


def assess(method: str, p, var, df, n_kg, n, level: float, proportion: bool, low, high,
           target: float) -> tuple[np.ndarray, np.ndarray]:
    """Return (status, p_value) arrays for the interval `method` (see `intervals.interval`)."""
    status = np.where(low >= target, MET, np.where(high < target, NOT_MET, INCONCLUSIVE))
    se = np.sqrt(var)
    tau = float(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        if not proportion or method == "wald":
            stat = (p - tau) / se
        elif method == "logit":
            stat = (special.logit(p) - special.logit(tau)) * p * (1 - p) / se
        elif method == "asin":
            stat = (np.arcsin(np.sqrt(p)) - np.arcsin(np.sqrt(tau))) * 2 * np.sqrt(p * (1 - p)) / se
        else:
            n_eff = p * (1 - p) / var * intervals.df_ratio(n_kg, df, level) ** 2
            stat = (p - tau) / np.sqrt(tau * (1 - tau) / n_eff)
        value = _t_tail(stat, df)
        if proportion and method == "beta":
            value = stats.beta.cdf(tau, n_eff * p, n_eff * (1 - p) + 1)
    if proportion:
        hit = intervals.extreme(p)
        n_star = np.minimum(n, n * intervals.df_ratio(n, df, level) ** 2)
        value = np.where(hit, np.where(p > 0.5, tau**n_star, 1.0), value)
    return status, value


def _t_tail(stat, df) -> np.ndarray:
    """Upper tail of t on df (normal for infinite df, NaN for df <= 0)."""
    df = np.asarray(df, float)
    out = np.full(np.shape(stat), np.nan)
    finite = np.isfinite(df) & (df > 0)
    out[finite] = stats.t.sf(stat[finite], df[finite])
    infinite = np.isposinf(df)
    out[infinite] = stats.norm.sf(stat[infinite])
    return out
