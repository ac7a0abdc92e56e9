"""Replicate weights to ship with a data set: JKn or bootstrap, each replicate re-calibrated.

Built as R's `as.svrepdesign(design, type="JKn")` / `type="bootstrap"` build them (METHODS §10),
then, when a `calibrate` step is given, each replicate's weights are calibrated to the same fixed
population totals as the full sample (R's `rake`/`postStratify`/`calibrate` on an svyrep.design
do the same), so replicate variances include calibration.

- JKn: replicate (h, i) gives weight 0 to PSU i of stratum h and w n_h/(n_h - 1) to the other
  PSUs of h; rscale = (n_h - 1)/n_h (1 - n_h/N_h). A stratum with one PSU under
  lonely_psu="adjust" gets R's replicate: 0 in that stratum, w H/(H - 1) elsewhere, rscale
  (H - 1)/H; under remove/certainty/average it gets no replicate (average scales by P/R).
  Columns run over strata in order of first appearance, PSUs in order of first appearance.
- bootstrap (Canty-Davison, R's bootweights): in each stratum draw n_h PSUs with replacement
  (from a pseudo-population of N_h units when there is an fpc); the multiplier is the number of
  draws; scale = nbar/((nbar - 1)(R - 1)) with nbar the harmonic mean of n_h; rscales 1.

V = scale sum_r rscale_r (theta_r - mean_r theta_r)^2, centred on the replicate mean (R's
mse=FALSE).
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analysis.errors import AnalysisError

KINDS = ("JKn", "bootstrap")


@dataclass(frozen=True, eq=False)
class ReplicateWeights:
    """Final weights of every replicate (rows x replicates) and the variance constants."""

    kind: str
    weights: np.ndarray  # (n, R)
    scale: float
    rscales: np.ndarray  # (R,)

    @property
    def count(self) -> int:
        return self.weights.shape[1]

    def variance(self, thetas: np.ndarray) -> np.ndarray:
        """Replicate variance of estimates `thetas` (..., R); R's svrVar with mse=FALSE."""
        thetas = np.asarray(thetas, dtype=float)
        centred = thetas - thetas.mean(axis=-1, keepdims=True)
        return self.scale * (centred * centred * self.rscales).sum(axis=-1)


def jackknife_weights(design, calibrate: Callable | None = None) -> ReplicateWeights:
    """JKn replicate weights of the uncalibrated `design`, calibrated by `calibrate(design)`."""
    layout = _base_layout(design)
    psu, psu_stratum = _psus(layout)
    n_strata = layout.n_strata
    columns, rscales, scale = [], [], 1.0
    skipped = 0
    for h in _strata_in_order(layout):
        members = np.flatnonzero(psu_stratum == h)
        n_h = len(members)
        if n_h == 1 and layout.f[h] > 0:
            if layout.lonely_psu == "fail":
                raise AnalysisError("replicate.lonely_psu", strata=[layout.labels[h]])
            if layout.lonely_psu != "adjust":
                skipped += 1
                continue
            factor = np.where(psu_stratum == h, 0.0, n_strata / (n_strata - 1))
            columns.append(factor)
            rscales.append((n_strata - 1) / n_strata)
            continue
        for i in members:
            factor = np.ones(len(psu_stratum))
            factor[members] = n_h / (n_h - 1)
            factor[i] = 0.0
            columns.append(factor)
            rscales.append((n_h - 1) / n_h * layout.f[h])
    if layout.lonely_psu == "average" and skipped:
        scale = len(psu_stratum) / len(columns)
    multipliers = np.column_stack(columns)[psu]
    return _calibrated("JKn", design, multipliers, scale, np.array(rscales), calibrate)


def bootstrap_weights(design, replicates: int, seed: int,
                      calibrate: Callable | None = None) -> ReplicateWeights:
    """Rescaled-bootstrap replicate weights (R's bootweights) drawn with numpy's PCG64(seed)."""
    if replicates < 2:
        raise AnalysisError("replicate.count", replicates=replicates)
    layout = _base_layout(design)
    psu, psu_stratum = _psus(layout)
    rng = np.random.default_rng(seed)
    counts = np.zeros((len(psu_stratum), replicates))
    population = _population_sizes(layout)
    for h in _strata_in_order(layout):
        members = np.flatnonzero(psu_stratum == h)
        n_h, size = len(members), population[h]
        for r in range(replicates):
            if np.isfinite(size):
                drawn = rng.choice(int(size), n_h, replace=False) % n_h
            else:
                drawn = rng.integers(0, n_h, n_h)
            counts[members, r] = np.bincount(drawn, minlength=n_h)
    nbar = 1 / np.mean(1 / layout.n_h)
    scale = nbar / ((nbar - 1) * (replicates - 1))
    return _calibrated("bootstrap", design, counts[psu], scale, np.ones(replicates), calibrate)


def _calibrated(kind, design, multipliers, scale, rscales, calibrate) -> ReplicateWeights:
    weights = multipliers * design.weights[:, None]
    if calibrate is not None:
        for r in range(weights.shape[1]):
            weights[:, r] = calibrate(design.with_weights(weights[:, r])).weights
    weights.setflags(write=False)
    return ReplicateWeights(kind, weights, float(scale), rscales)


def _base_layout(design):
    if design.calibrated:
        raise AnalysisError("replicate.calibrated")
    return design.layout


def _psus(layout) -> tuple[np.ndarray, np.ndarray]:
    """PSU code per row and stratum per PSU; rows are PSUs under element sampling."""
    if layout.psu is None:
        return np.arange(layout.n), layout.strata
    return layout.psu, layout.psu_stratum


def _strata_in_order(layout) -> list[int]:
    """Stratum codes in order of first appearance in the data (R's unique(strata))."""
    _, first = np.unique(layout.strata, return_index=True)
    return [int(h) for h in np.argsort(first, kind="stable")]


def _population_sizes(layout) -> np.ndarray:
    """N_h from f = 1 - n_h/N_h (infinite without fpc)."""
    with np.errstate(divide="ignore"):
        return np.where(layout.f < 1, np.round(layout.n_h / (1 - layout.f)), np.inf)
