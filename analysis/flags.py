"""Reliability flags for a domain estimate: codes kept beside the number, never dropped rows.

The thresholds are the NCHS presentation standards for proportions (Parker et al. 2017,
Vital Health Stat 2(175)) as adopted in METHODS decision 4, plus the p in {0, 1} mark of
decision 3. Flags are `;`-joined codes in this fixed order.
"""
import numpy as np

EXTREME_P = "extreme_p"  # p is 0 or 1: NCHS interval instead of the chosen method
SMALL_N = "small_n"  # fewer than 30 rows
SMALL_N_EFF = "small_n_eff"  # effective sample size below 30
WIDE_CI = "wide_ci"  # Korn-Graubard interval 0.30 wide or more (proportions only)
SMALL_DF = "small_df"  # fewer than 8 design degrees of freedom
SINGLE_PSU = "single_psu"  # the domain lies in one PSU: no design-based variance
NO_VARIANCE = "no_variance"  # the variance is zero up to rounding: not computable

MIN_N = 30
MIN_N_EFF = 30
MAX_KG_WIDTH = 0.30
MIN_DF = 8


def reliability_flags(n, n_eff, df, extreme, kg_width, single_psu=None,
                      no_variance=None) -> list[str]:
    """Return one flag string per domain; kg_width is NaN for statistics that are not shares.

    n_eff is the table's n / max(deff, 1) (see `estimate.table`).
    """
    size = len(np.asarray(n))
    single_psu = np.zeros(size, bool) if single_psu is None else np.asarray(single_psu, bool)
    no_variance = np.zeros(size, bool) if no_variance is None else np.asarray(no_variance, bool)
    columns = [
        (SINGLE_PSU, single_psu),
        (NO_VARIANCE, no_variance),
        (EXTREME_P, np.asarray(extreme, bool)),
        (SMALL_N, np.asarray(n) < MIN_N),
        # NaN n_eff (an empty domain) is as unreliable as a small one; a domain without a
        # variance says so with its own flag instead.
        (SMALL_N_EFF, ~(np.asarray(n_eff, float) >= MIN_N_EFF) & ~single_psu & ~no_variance),
        (WIDE_CI, np.asarray(kg_width, float) >= MAX_KG_WIDTH),
        (SMALL_DF, np.asarray(df) < MIN_DF),
    ]
    return [";".join(code for code, hit in columns if hit[i]) for i in range(len(columns[0][1]))]
