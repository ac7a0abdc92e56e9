"""JKn jackknife variance, as R's `as.svrepdesign(design, type="JKn")` then svymean/svytotal.

Replicate r deletes PSU r of stratum h and multiplies the other PSUs of h by n_h/(n_h - 1).
V = sum_r rscale_r (theta_r - theta_bar)^2 with rscale_r = (n_h - 1)/n_h * (1 - n_h/N_h) and
theta_bar the *mean of the replicates* (R's default mse=FALSE; METHODS §10). Replicates whose
domain is emptied give NaN and are dropped, as R's na.action on the replicates.

No n x R weight matrix is built: a replicate's domain totals follow from PSU totals,
Y_r = Y - Y_h + n_h/(n_h - 1) (Y_h - Y_hr), so the cost is O(n + domains x PSUs).
df is R's rank(replicate weights) - 1, which for JKn is PSUs - strata.
"""
import numpy as np
import pandas as pd

from analysis import estimate, intervals
from analysis.columns import numeric
from analysis.errors import AnalysisError


class Jackknife:
    """A JKn replicate design over an uncalibrated `Design` with two or more PSUs per stratum."""

    def __init__(self, design):
        if design.calibrated:
            raise AnalysisError("replicate.calibrated")
        layout = design.layout
        if (layout.n_h < 2).any():
            raise AnalysisError("replicate.lonely_psu",
                                strata=layout.labels[layout.n_h < 2].tolist())
        self._design = design
        self._psu = np.arange(layout.n) if layout.psu is None else layout.psu
        self._psu_stratum = layout.strata if layout.psu is None else layout.psu_stratum
        n_h = layout.n_h[self._psu_stratum]
        self._rscale = (n_h - 1) / n_h * layout.f[self._psu_stratum]
        self._df = int(layout.n_psu - layout.n_strata)

    @property
    def df(self) -> int:
        return self._df

    def mean(self, var: str, by=None, ci: str = "wald", level: float = 0.95,
             df: float | None = None) -> pd.DataFrame:
        """Domain means with jackknife SEs; intervals as `Design.mean`, on the replicate df."""
        intervals.check(ci, level)
        design = self._design
        y = numeric(design.data, var)
        dom, groups = design.domains(by, np.isnan(y))
        valid = y[~np.isnan(y)]
        binary = bool(np.all((valid == 0) | (valid == 1)))
        lin = estimate.ratio_linear(design.weights, y, np.ones(len(y)), dom, len(groups), binary)
        num = self._replicates(design.weights * np.nan_to_num(y), dom, len(groups))
        den = self._replicates(design.weights, dom, len(groups))
        with np.errstate(divide="ignore", invalid="ignore"):
            var_ = self._variance(num / den)
        return self._table(lin, var_, groups, binary, ci, level, df)

    def total(self, var: str, by=None, ci: str = "wald", level: float = 0.95,
              df: float | None = None) -> pd.DataFrame:
        """Domain totals with jackknife SEs and Wald intervals."""
        intervals.check(ci, level)
        if ci != "wald":
            raise AnalysisError("ci.unsupported", ci=ci)
        design = self._design
        y = numeric(design.data, var)
        dom, groups = design.domains(by, np.isnan(y))
        lin = estimate.total_linear(design.weights, y, dom, len(groups))
        var_ = self._variance(self._replicates(design.weights * np.nan_to_num(y), dom,
                                               len(groups)))
        return self._table(lin, var_, groups, False, ci, level, df)

    def _table(self, lin, var, groups, proportion, ci, level, df):
        summary = estimate.summarise(self._design, lin, var=var,
                                     df=np.full(len(groups), self._df))
        return estimate.table(groups, summary, proportion, ci, level, df)

    def _replicates(self, values: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
        """Replicate totals of `values` per domain: an array of domains x replicates."""
        n_psu, n_strata = len(self._psu_stratum), self._design.layout.n_strata
        rows = dom >= 0
        by_psu = np.bincount(dom[rows] * n_psu + self._psu[rows], weights=values[rows],
                             minlength=n_dom * n_psu).reshape(n_dom, n_psu)
        by_stratum = np.zeros((n_dom, n_strata))
        np.add.at(by_stratum.T, self._psu_stratum, by_psu.T)
        n_h = self._design.layout.n_h[self._psu_stratum]
        own = by_stratum[:, self._psu_stratum]
        full = by_stratum.sum(axis=1, keepdims=True)
        return full - own + n_h / (n_h - 1) * (own - by_psu)

    def _variance(self, thetas: np.ndarray) -> np.ndarray:
        """sum_r rscale_r (theta_r - mean of usable replicates)^2, per domain (row)."""
        usable = np.isfinite(thetas) & (self._rscale > 0)
        count = usable.sum(axis=1)
        filled = np.where(usable, thetas, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = filled.sum(axis=1) / count
        dev = np.where(usable, thetas - centre[:, None], 0.0)
        return (self._rscale * dev * dev).sum(axis=1)
