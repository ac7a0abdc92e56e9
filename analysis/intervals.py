"""Confidence intervals for design-based estimates, as R's `confint.svystat` and `svyciprop`.

Notation: p = estimate, v = its variance, t = t quantile at 1 - alpha/2 on `df` (df = inf gives
the normal quantile; df <= 0 gives NaN), n = rows of the domain.

- wald    p -/+ t sqrt(v)                                   (R `confint`, svyciprop "mean")
- logit   expit(logit p -/+ t sqrt(v) / (p(1-p)))           (R "xlogit"; R "logit" refits the
          same interval by IRLS and agrees to ~1e-9)
- asin    sin^2(asin sqrt p -/+ t sqrt(v) / (2 sqrt(p(1-p))))  (R "asin")
- beta    Korn-Graubard 1998 as R: n_eff = p(1-p)/v * (t_{n-1}/t_df)^2, not truncated at n,
          L = Beta^-1(alpha/2; n_eff p, n_eff(1-p)+1), U = Beta^-1(1-alpha/2; n_eff p+1, n_eff(1-p))
          (R ignores a df argument here and always uses degf; a df given here is honoured)
- wilson  Wilson score interval with the same n_eff and z = t_df (Python `svy`; not in R)

p in {0, 1} (within 1e-12) is decided for this platform, not copied from R (METHODS decision
3): the NCHS rule n* = min(n, n (t_{n-1}/t_df)^2), L = (alpha/2)^(1/n*), U = 1 at p = 1 and the
mirror image at p = 0, whatever the method.
"""
import numpy as np
from scipy import special, stats

from analysis.errors import AnalysisError

METHODS = ("beta", "logit", "wald", "wilson", "asin")
EXTREME_TOLERANCE = 1e-12


def check(method: str, level: float) -> None:
    """Reject an unknown method or a level outside (0, 1)."""
    if method not in METHODS:
        raise AnalysisError("ci.unknown", ci=method)
    if not 0 < level < 1:
        raise AnalysisError("ci.level", level=level)


def t_quantile(level: float, df) -> np.ndarray:
    """Upper (1 + level)/2 quantile of t on df; the normal quantile for infinite df."""
    df = np.asarray(df, dtype=float)
    upper = 1 - (1 - level) / 2
    out = np.full(df.shape, np.nan)
    finite = np.isfinite(df) & (df > 0)
    out[finite] = stats.t.ppf(upper, df[finite])
    out[np.isposinf(df)] = stats.norm.ppf(upper)
    return out


def extreme(p: np.ndarray) -> np.ndarray:
    """True where a proportion is 0 or 1 within EXTREME_TOLERANCE."""
    return (np.abs(p) <= EXTREME_TOLERANCE) | (np.abs(1 - p) <= EXTREME_TOLERANCE)


def interval(method: str, p, var, df, n_kg, n, level: float, proportion: bool):
    """Return (low, high) arrays; proportion methods fall back to wald for non-0/1 variables.

    `n_kg` is the row count R's beta method uses in t_{n-1} (R's `nrow(design)`); `n` is the
    number of rows with non-zero weight, used by the NCHS rule at p in {0, 1}.
    """
    p, var = np.asarray(p, float), np.asarray(var, float)
    q = t_quantile(level, df)
    se = np.sqrt(var)
    if not proportion or method == "wald":
        low, high = p - q * se, p + q * se
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            low, high = _proportion(method, p, var, se, q, df, n_kg, level)
    if proportion:
        hit = extreme(p)
        nl, nh = nchs_extreme(p[hit], np.asarray(n, float)[hit],
                              np.broadcast_to(df, p.shape)[hit], level)
        low, high = np.array(low, float), np.array(high, float)
        low[hit], high[hit] = nl, nh
    return low, high


def _proportion(method, p, var, se, q, df, n_kg, level):
    if method == "logit":
        centre, half = special.logit(p), q * se / (p * (1 - p))
        return special.expit(centre - half), special.expit(centre + half)
    if method == "asin":
        centre, half = np.arcsin(np.sqrt(p)), q * se / (2 * np.sqrt(p * (1 - p)))
        return np.sin(centre - half) ** 2, np.sin(centre + half) ** 2
    n_eff = p * (1 - p) / var * df_ratio(n_kg, df, level) ** 2
    if method == "beta":
        alpha = 1 - level
        return (stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1),
                stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))
    z2 = q * q / n_eff
    centre = (p + z2 / 2) / (1 + z2)
    half = q / (1 + z2) * np.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff))
    return centre - half, centre + half


def df_ratio(n, df, level: float) -> np.ndarray:
    """t_{n-1} / t_df at the interval's level: the Korn-Graubard degrees-of-freedom adjustment."""
    return t_quantile(level, np.asarray(n, float) - 1) / t_quantile(level, df)


def nchs_extreme(p, n, df, level: float):
    """NCHS Korn-Graubard bounds at p in {0, 1}: n* = min(n, n (t_{n-1}/t_df)^2)."""
    n_star = np.minimum(n, n * df_ratio(n, df, level) ** 2)
    with np.errstate(divide="ignore"):
        bound = ((1 - level) / 2) ** (1 / n_star)
    at_one = p > 0.5
    return np.where(at_one, bound, 0.0), np.where(at_one, 1.0, 1 - bound)
