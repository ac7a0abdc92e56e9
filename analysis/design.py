"""`Design`: a survey design validated once, with estimators that mirror R's `survey` package.

    d = Design(data, weights="w", strata="stratum", psu=None, fpc=None, lonely_psu="fail")
    d.mean("sat", by="district")

is R's `svyby(~sat, ~district, svydesign(ids=~1, strata=~stratum, weights=~w, data=data),
svymean, deff=TRUE)` with intervals, df and reliability flags added. `psu=None` is element
sampling (`ids=~1`); with a PSU column the design is `ids=~psu, nest=TRUE`. `fpc` names a
column with the population size of the stratum (elements, or PSUs for cluster sampling).

Domain degrees of freedom follow R (METHODS decision 1): PSUs with non-zero weight in the
domain minus strata with non-zero weight in the domain.
"""
import numpy as np
import pandas as pd

from analysis import calibrate, estimate, grake, intervals, replicate
from analysis.columns import as_names, column, domain_codes, numeric
from analysis.errors import AnalysisError
from analysis.layout import Layout, build_layout


class Design:
    """A stratified (cluster) sample with weights; estimators return one row per domain."""

    def __init__(self, data: pd.DataFrame, weights: str | None = None, strata: str | None = None,
                 psu: str | None = None, fpc: str | None = None, lonely_psu: str = "fail"):
        layout = build_layout(data, strata, psu, fpc, lonely_psu)
        if weights is None and fpc is not None:
            # R's svydesign without weights takes N_h / n_h from the fpc.
            w = numeric(data, fpc, "fpc.non_numeric") / layout.n_h[layout.strata]
        elif weights is None:
            w = np.ones(len(data))
        else:
            w = _checked_weights(data, weights)
        self._init(data, w, layout, ())

    def _init(self, data, w, layout, steps):
        w.setflags(write=False)
        self._data, self._w, self._layout, self._steps = data, w, layout, steps

    def _calibrated(self, w: np.ndarray, step) -> "Design":
        """A copy with new weights and one more calibration step (R's postStrata list)."""
        out = object.__new__(Design)
        out._init(self._data, w, self._layout, self._steps + (step,))
        return out

    def with_weights(self, w: np.ndarray) -> "Design":
        """The same layout and data with other (uncalibrated) weights, e.g. a replicate's."""
        out = object.__new__(Design)
        out._init(self._data, np.array(w, dtype=float), self._layout, ())
        return out

    @property
    def data(self) -> pd.DataFrame:
        return self._data

    @property
    def weights(self) -> np.ndarray:
        """The (calibrated) weights in the row order of `data`, read-only."""
        return self._w

    @property
    def layout(self) -> Layout:
        return self._layout

    @property
    def steps(self) -> tuple:
        """Calibration steps applied so far, oldest first."""
        return self._steps

    @property
    def calibrated(self) -> bool:
        return bool(self._steps)

    @property
    def df(self) -> int:
        """R's degf(design): PSUs with non-zero weight minus strata with non-zero weight."""
        used = np.flatnonzero(self._w != 0)
        return int(estimate.domain_df(self._layout, used, np.zeros(len(used), np.int64), 1)[0])

    def mean(self, var: str, by=None, ci: str = "beta", level: float = 0.95,
             df: float | None = None, target: float | None = None) -> pd.DataFrame:
        """Weighted mean of `var` per domain (a proportion when `var` is 0/1).

        `ci` is beta (Korn-Graubard), logit, wald, wilson or asin; the proportion methods
        apply to 0/1 variables and other variables get wald. `df=None` takes the domain df for
        the quantile (R's svyciprop); `df=float("inf")` the normal one (R's svyby columns).
        A `target` adds its status (met / not_met / inconclusive) and one-sided p-value.
        """
        intervals.check(ci, level)
        y = numeric(self._data, var)
        dom, groups = self.domains(by, np.isnan(y))
        valid = y[~np.isnan(y)]
        binary = bool(np.all((valid == 0) | (valid == 1)))
        lin = estimate.ratio_linear(self._w, y, np.ones(len(y)), dom, len(groups), binary)
        return estimate.table(groups, estimate.summarise(self, lin), binary, ci, level, df,
                              target)

    def total(self, var: str, by=None, ci: str = "wald", level: float = 0.95,
              df: float | None = None) -> pd.DataFrame:
        """Weighted total of `var` per domain, with a Wald interval."""
        _wald_only(ci, level)
        y = numeric(self._data, var)
        dom, groups = self.domains(by, np.isnan(y))
        lin = estimate.total_linear(self._w, y, dom, len(groups))
        return estimate.table(groups, estimate.summarise(self, lin), False, ci, level, df)

    def ratio(self, num: str, den: str, by=None, ci: str = "wald", level: float = 0.95,
              df: float | None = None) -> pd.DataFrame:
        """Ratio of weighted totals sum w num / sum w den per domain, with a Wald interval."""
        _wald_only(ci, level)
        y, x = numeric(self._data, num), numeric(self._data, den)
        dom, groups = self.domains(by, np.isnan(y) | np.isnan(x))
        lin = estimate.ratio_linear(self._w, y, x, dom, len(groups))
        return estimate.table(groups, estimate.summarise(self, lin), False, ci, level, df)

    def post_stratify(self, var: str, population: dict) -> "Design":
        """Post-stratify on `var` to population counts {category: N_g} (R's postStratify)."""
        return calibrate.post_stratify(self, var, population)

    def rake(self, margins: dict, max_iter: int = 100, epsilon: float = 1e-12) -> "Design":
        """Rake to {variable: {category: total}} margins (R's rake; see calibrate.rake)."""
        return calibrate.rake(self, margins, max_iter, epsilon)

    def calibrate(self, margins: dict | None = None, totals: dict | None = None,
                  population: float | None = None, calfun: str = "linear", bounds=None,
                  bounds_const: bool = False, max_iter: int = 50, epsilon: float = 1e-7,
                  force: bool = False) -> "Design":
        """Calibrate to category margins and numeric totals, as R's `calibrate`.

        Linear without bounds is GREG in closed form (`calibrate.greg`); `calfun="raking"` or
        `bounds=(lower, upper)` on g = new weight / weight (on the weights themselves with
        `bounds_const`) run R's Newton iterations (`grake`). A margin the bounds cannot meet
        raises `calibrate.not_converged` unless `force`; then see `margin_report`.
        """
        if calfun == "linear" and bounds is None:
            return calibrate.greg(self, margins or {}, totals or {}, population)
        return grake.calibrate(self, margins or {}, totals or {}, population, calfun, bounds,
                               bounds_const, max_iter, epsilon, force)

    def jackknife(self) -> "replicate.Jackknife":
        """JKn replicate design: delete one PSU at a time (R's as.svrepdesign type JKn)."""
        return replicate.Jackknife(self)

    def domains(self, by, missing: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
        """Domain code per row (-1 outside every domain or where `missing`) and the domains."""
        codes, groups = domain_codes(self._data, as_names(by))
        return np.where(missing, -1, codes), groups


def _checked_weights(data: pd.DataFrame, name: str) -> np.ndarray:
    col = column(data, name)
    if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
        raise AnalysisError("weights.non_numeric", column=name)
    w = col.to_numpy(dtype=float, na_value=np.nan).copy()
    for code, bad in (("weights.nan", np.isnan(w)), ("weights.infinite", np.isinf(w)),
                      ("weights.negative", w < 0)):
        if bad.any():
            raise AnalysisError(code, column=name, rows=int(bad.sum()))
    if not w.sum() > 0:
        raise AnalysisError("weights.zero_sum", column=name)
    return w


def _wald_only(ci: str, level: float) -> None:
    intervals.check(ci, level)
    if ci != "wald":
        raise AnalysisError("ci.unsupported", ci=ci)
