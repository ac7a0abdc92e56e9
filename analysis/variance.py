"""Linearisation variance for many domains in one pass: R's `svyrecvar` (ultimate cluster).

For stratum h with n_h sampled PSUs and PSU totals t_hi of the linearised values z
(METHODS §3, R `onestrat()`):

    V = sum_h (1 - n_h/N_h) * n_h/(n_h - 1) * sum_i (t_hi - tbar_h)^2,  tbar_h = sum_i t_hi / n_h

with n_h counted in the full sample, so PSUs of stratum h without rows of the domain enter as
t_hi = 0 (R pads them with zeros). The sum of squares is centred (two passes), never
sum t^2 - (sum t)^2/n. Strata with one PSU follow `lonely_psu` as R's `onestrat`/`onestage`:
remove and certainty add 0, adjust adds f_h * t_h1^2 (the PSU total centred at 0), average drops
the stratum and scales V by (strata present) / (strata with two or more PSUs).

R runs this once per domain on a subset (O(domains x n)). Here every domain is handled at once:
for an uncalibrated design z is a vector that is zero outside the row's own domain, so PSU totals
are a bincount over (domain, PSU) keys; calibrated designs need dense columns (see
`calibrated_variance`).
"""
import numpy as np
import pandas as pd

from analysis.layout import CERTAINTY_TOLERANCE, Layout

# Largest domains x PSUs grid summed densely; above it only the keys that occur are summed.
DENSE_CELLS = 4_000_000
# Rows x columns processed at once when calibration makes z dense.
CHUNK_CELLS = 8_000_000


def domain_variance(layout: Layout, z: np.ndarray, dom: np.ndarray, n_dom: int) -> np.ndarray:
    """Return V for each domain; z must be 0 where dom is -1 (rows outside every domain)."""
    rows = dom >= 0
    d, t = dom[rows], z[rows]
    present = np.bincount(d * layout.n_strata + layout.strata[rows],
                          minlength=n_dom * layout.n_strata) > 0
    if layout.psu is None:
        return _combine(layout, d, layout.strata[rows], t, n_dom, present)
    n_psu = layout.n_psu
    key = d * n_psu + layout.psu[rows]
    if n_dom * n_psu <= DENSE_CELLS:
        totals = np.bincount(key, weights=t, minlength=n_dom * n_psu)
        psu_of = np.tile(np.arange(n_psu), n_dom)
        dom_of = np.repeat(np.arange(n_dom), n_psu)
    else:
        inverse, keys = pd.factorize(key)
        totals = np.bincount(inverse, weights=t)
        psu_of, dom_of = keys % n_psu, keys // n_psu
    return _combine(layout, dom_of, layout.psu_stratum[psu_of], totals, n_dom, present)


def calibrated_variance(layout: Layout, steps: tuple, z: np.ndarray, dom: np.ndarray,
                        n_dom: int) -> np.ndarray:
    """Return V per domain after the calibration residuals of `steps` (R's postStrata list).

    Calibration residuals spread a domain's z over every row, so each domain becomes a dense
    column; columns are processed in chunks to bound memory. R keeps all rows of a calibrated
    design in a subset, so every stratum counts as present for lonely_psu='average'.
    """
    rows = np.flatnonzero(dom >= 0)
    width = max(1, CHUNK_CELLS // max(layout.n, 1))
    out = np.empty(n_dom)
    for start in range(0, n_dom, width):
        stop = min(start + width, n_dom)
        inside = rows[(dom[rows] >= start) & (dom[rows] < stop)]
        block = np.zeros((layout.n, stop - start))
        block[inside, dom[inside] - start] = z[inside]
        for step in steps:
            block = step.adjust(block)
        out[start:stop] = column_variance(layout, block)
    return out


def column_variance(layout: Layout, block: np.ndarray) -> np.ndarray:
    """Return V for each column of an n x k matrix of linearised values."""
    k = block.shape[1]
    present = np.ones(k * layout.n_strata, dtype=bool)
    if layout.psu is None:
        dom_of = np.repeat(np.arange(k), layout.n)
        strata = np.tile(layout.strata, k)
        return _combine(layout, dom_of, strata, block.T.ravel(), k, present)
    totals = np.stack([np.bincount(layout.psu, weights=block[:, j], minlength=layout.n_psu)
                       for j in range(k)])
    dom_of = np.repeat(np.arange(k), layout.n_psu)
    strata = np.tile(layout.psu_stratum, k)
    return _combine(layout, dom_of, strata, totals.ravel(), k, present)


def _combine(layout: Layout, dom_of, stratum_of, totals, n_dom, present) -> np.ndarray:
    """Sum the per-stratum centred squares of PSU totals into one variance per domain.

    Each entry is one PSU total of one domain; PSUs missing from the entries are zeros, whose
    contribution (n_h - m) * tbar^2 is added in closed form.
    """
    n_strata = layout.n_strata
    cell = dom_of * n_strata + stratum_of
    size = n_dom * n_strata
    n_h = np.tile(layout.n_h, n_dom)
    sums = np.bincount(cell, weights=totals, minlength=size)
    count = np.bincount(cell, minlength=size)
    mean = sums / n_h
    dev = totals - mean[cell]
    squares = np.bincount(cell, weights=dev * dev, minlength=size) + (n_h - count) * mean**2
    f = np.tile(layout.f, n_dom)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_h > 1, f * n_h / (n_h - 1), 0.0)
    contrib = scale * squares
    lonely = np.tile(layout.lonely, n_dom)
    if layout.lonely_psu == "adjust":
        raw = np.bincount(cell, weights=totals * totals, minlength=size)
        contrib = np.where(lonely, f * raw, contrib)
    contrib = np.where(f < CERTAINTY_TOLERANCE, 0.0, contrib)
    var = contrib.reshape(n_dom, n_strata).sum(axis=1)
    if layout.lonely_psu == "average":
        shown = present.reshape(n_dom, n_strata)
        usable = (shown & ~lonely.reshape(n_dom, n_strata)).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            var = np.where(usable > 0, var * shown.sum(axis=1) / usable, np.nan)
    return var
