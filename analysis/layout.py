"""The sampling structure of a design: strata, PSUs, finite population corrections.

Built and validated once per `Design`; calibration changes weights, never the layout, so
calibrated designs share it. PSUs are always taken as nested in strata (R's `nest=TRUE`): the
same PSU label in two strata names two PSUs. The stage-1 counts follow R's `as.fpc()`:
n_h is the number of distinct PSUs in stratum h in the *full* sample, including rows of zero
weight, and it is kept when estimating for a domain (METHODS §3, §4). Only the first stage
enters the variance: R's ultimate-cluster estimator, which R uses unless a second-stage fpc is
given (multistage fpc is not supported here).
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.columns import column, numeric
from analysis.errors import AnalysisError

LONELY_MODES = ("fail", "remove", "certainty", "adjust", "average")

# R's onestrat() treats a stratum with sampling fraction above 1 - 1e-7 as self-representing.
CERTAINTY_TOLERANCE = 1e-7


@dataclass(frozen=True, eq=False)
class Layout:
    """Integer codes for strata and PSUs plus per-stratum constants.

    `psu` is None for element sampling (each row is its own PSU, so n_h is the row count).
    `f` is R's (N_h - n_h)/N_h, the factor 1 - sampling fraction (1 without fpc).
    """

    n: int
    strata: np.ndarray  # (n,) stratum code 0..H-1
    labels: np.ndarray  # (H,) stratum label as in the data
    psu: np.ndarray | None  # (n,) PSU code 0..P-1, or None
    psu_stratum: np.ndarray | None  # (P,) stratum code of each PSU
    n_h: np.ndarray  # (H,) sampled PSUs per stratum, float
    f: np.ndarray  # (H,) 1 - n_h / N_h
    lonely_psu: str

    @property
    def n_strata(self) -> int:
        return len(self.labels)

    @property
    def n_psu(self) -> int:
        return self.n if self.psu is None else len(self.psu_stratum)

    @property
    def lonely(self) -> np.ndarray:
        """Strata with one sampled PSU that are not self-representing."""
        return (self.n_h == 1) & (self.f >= CERTAINTY_TOLERANCE)


def build_layout(data: pd.DataFrame, strata: str | None, psu: str | None, fpc: str | None,
                 lonely_psu: str) -> Layout:
    """Validate the design columns and code them; errors name the column or stratum at fault."""
    if lonely_psu not in LONELY_MODES:
        raise AnalysisError("lonely_psu.unknown", lonely_psu=lonely_psu)
    n = len(data)
    if strata is None:
        codes, labels = np.zeros(n, dtype=np.int64), np.array([None], dtype=object)
    else:
        codes, labels = pd.factorize(column(data, strata), sort=True, use_na_sentinel=True)
        if (codes < 0).any():
            raise AnalysisError("strata.missing", column=strata, rows=int((codes < 0).sum()))
        labels = np.asarray(labels)
    n_strata = len(labels)
    if psu is None:
        psu_codes = psu_stratum = None
        n_h = np.bincount(codes, minlength=n_strata).astype(float)
    else:
        raw, raw_levels = pd.factorize(column(data, psu), use_na_sentinel=True)
        if (raw < 0).any():
            raise AnalysisError("psu.missing", column=psu, rows=int((raw < 0).sum()))
        # Nest PSUs in strata: the pair (stratum, PSU label) identifies a PSU.
        pair = codes * max(len(raw_levels), 1) + raw
        psu_codes, firsts = pd.factorize(pair)
        psu_codes = psu_codes.astype(np.int64)
        psu_stratum = (np.asarray(firsts) // max(len(raw_levels), 1)).astype(np.int64)
        n_h = np.bincount(psu_stratum, minlength=n_strata).astype(float)
    f = np.ones(n_strata) if fpc is None else _fpc_factor(data, fpc, codes, labels, n_h)
    layout = Layout(n, codes.astype(np.int64), labels, psu_codes, psu_stratum, n_h, f, lonely_psu)
    if lonely_psu == "fail" and layout.lonely.any():
        first = int(np.flatnonzero(layout.lonely)[0])
        raise AnalysisError("psu.lonely", stratum=_plain(labels[first]),
                            strata=[_plain(v) for v in labels[layout.lonely]])
    return layout


def _fpc_factor(data, name, codes, labels, n_h) -> np.ndarray:
    """Return 1 - n_h/N_h from a column of population sizes (elements or PSUs) per stratum."""
    values = numeric(data, name, code="fpc.non_numeric")
    if np.isnan(values).any():
        raise AnalysisError("fpc.non_numeric", column=name)
    grouped = pd.Series(values).groupby(codes)
    pop, top = grouped.min().to_numpy(), grouped.max().to_numpy()
    varies = pop != top
    if varies.any():
        raise AnalysisError("fpc.not_constant", column=name,
                            stratum=_plain(labels[np.flatnonzero(varies)[0]]))
    small = pop < n_h
    if small.any():
        h = int(np.flatnonzero(small)[0])
        raise AnalysisError("fpc.too_small", column=name, stratum=_plain(labels[h]),
                            fpc=float(pop[h]), sampled=int(n_h[h]))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isinf(pop), 1.0, (pop - n_h) / pop)


def _plain(value):
    """A label as a plain Python value, for error details."""
    return value.item() if isinstance(value, np.generic) else value
