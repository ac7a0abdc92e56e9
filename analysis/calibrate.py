"""Calibrated designs: post-stratification, raking and linear (GREG) calibration, as R.

Each function returns a new `Design` with calibrated weights and one more *step* whose
`adjust` turns linearised values z into calibration residuals before the variance formula
(R's `svyrecvar` walking `design$postStrata`, METHODS §9):

- post-stratification  z - w* ebar_g, ebar_g = sum_g w (z/w*) / sum_g w   (w: weights before)
- raking               10 sweeps of z - w*_m mean(z/w*_m | category of margin m), with the
                       unweighted mean and each margin's weights from the last IPF sweep
                       (computed on per-category coefficients: same result, one pass)
- GREG                 w* (u - x'b), u = z/w*, b from the least squares fit of u on x with the
                       design weights w (R: qr.resid(qr(X sqrt(w)), z/(g sqrt w)) g sqrt w)
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.columns import column
from analysis.errors import AnalysisError

# R's svyrecvar applies a fixed number of raking sweeps to z, whatever the weights needed.
RAKE_VARIANCE_SWEEPS = 10
TOTALS_AGREE = 1e-9


@dataclass(frozen=True, eq=False)
class PostStratStep:
    """Residuals z - w* ebar_g of a post-stratification (R: svyrecvar's postStrata branch)."""

    codes: np.ndarray
    before: np.ndarray
    after: np.ndarray

    def adjust(self, block: np.ndarray) -> np.ndarray:
        ratio = _safe_divide(self.before, self.after)
        means = _group_sums(self.codes, block * ratio[:, None])
        means /= _group_sums(self.codes, self.before[:, None])
        return block - self.after[:, None] * means[self.codes]


@dataclass(frozen=True, eq=False)
class RakeStep:
    """Residuals of raking: R's fixed 10 sweeps over the margins of the last IPF pass."""

    margins: tuple  # (codes, weights after this margin's pass, rows per category)

    def adjust(self, block: np.ndarray) -> np.ndarray:
        """R's 10 sweeps, run on per-category coefficients instead of on n x k values.

        After any number of sweeps z = z0 - sum_m w_m C_m[g_m], so a sweep only needs the
        category means of z0/w_m (a_m) and of w_j/w_m over the categories of j (B_mj):
        mean(z/w_m | g) = a_m - sum_j B_mj C_j, and the sweep adds that mean to C_m.
        """
        inverse = [_safe_divide(1.0, w) for _, w, _ in self.margins]
        means = [_group_sums(codes, block * inv[:, None]) / counts[:, None]
                 for (codes, _, counts), inv in zip(self.margins, inverse, strict=True)]
        cross = [[_cross_means(m_codes, counts, inv, j_codes, j_w)
                  for j_codes, j_w, _ in self.margins]
                 for (m_codes, _, counts), inv in zip(self.margins, inverse, strict=True)]
        coef = [np.zeros_like(a) for a in means]
        for _ in range(RAKE_VARIANCE_SWEEPS):
            for m, a in enumerate(means):
                coef[m] = coef[m] + a - sum(b @ c for b, c in zip(cross[m], coef, strict=True))
        for (codes, weights, _), c in zip(self.margins, coef, strict=True):
            block = block - weights[:, None] * c[codes]
        return block


@dataclass(frozen=True, eq=False)
class GregStep:
    """Residuals w* (u - x'b) of linear calibration, u = z/w* (R: qr.resid on X sqrt(w))."""

    basis: np.ndarray  # orthonormal basis of X sqrt(w), n x p
    scale: np.ndarray  # g sqrt(w)

    def adjust(self, block: np.ndarray) -> np.ndarray:
        u = block * _safe_divide(1.0, self.scale)[:, None]
        u -= self.basis @ (self.basis.T @ u)
        return u * self.scale[:, None]


def post_stratify(design, var: str, population: dict):
    """w*_i = w_i N_g / sum_{j in g} w_j for the post-stratum g of row i (R's postStratify)."""
    before = design.weights
    codes, target = _margin(design.data, before, var, population, "poststratify.")
    after = before * _margin_factor(codes, target, before)
    return design._calibrated(after, PostStratStep(codes, before, after))


def rake(design, margins: dict, max_iter: int, epsilon: float):
    """Iterative proportional fitting to several margins, stopped as R's `rake`.

    A sweep post-stratifies to each margin in turn; raking stops when the weighted cross-table
    of all margin variables moves by less than epsilon between sweeps (epsilon < 1 is a
    fraction of the sum of the starting weights). Not converging within max_iter sweeps is an
    error here (R only warns).
    """
    parsed = [_margin(design.data, design.weights, var, pop, "rake.margin_")
              for var, pop in margins.items()]
    _same_grand_total([t for _, t in parsed], "rake.margin_totals")
    w = design.weights.copy()
    tol = epsilon * w.sum() if epsilon < 1 else epsilon
    joint = np.zeros(len(w), dtype=np.int64)
    for codes, target in parsed:
        joint = joint * len(target) + codes
    joint = pd.factorize(joint)[0]
    old = np.bincount(joint, weights=w)
    delta = np.inf
    for _ in range(max_iter):
        passes = []
        for codes, target in parsed:
            w = w * _margin_factor(codes, target, w)
            passes.append((codes, w, np.bincount(codes, minlength=len(target)).astype(float)))
        new = np.bincount(joint, weights=w)
        delta = float(np.max(np.abs(old - new)))
        if delta < tol:
            return design._calibrated(w, RakeStep(tuple(passes)))
        old = new
    raise AnalysisError("rake.not_converged", max_iter=max_iter, delta=delta, epsilon=tol)


def greg(design, margins: dict, totals: dict, population: float | None):
    """Linear calibration g_i = 1 + x_i' lambda, lambda = (sum w x x')^-1 (T - sum w x).

    x and its totals are `model_matrix`'s.
    """
    w = design.weights
    x, target = model_matrix(design, margins, totals, population)
    cross = (x * w[:, None]).T @ x
    if np.linalg.matrix_rank(cross) < x.shape[1]:
        raise AnalysisError("calibrate.singular")
    g = 1 + x @ np.linalg.solve(cross, target - x.T @ w)
    return with_greg_step(design, x, g)


def with_greg_step(design, x: np.ndarray, g: np.ndarray):
    """The design with weights g w and R's calibrate() variance step (any calfun, any bounds)."""
    root = np.sqrt(design.weights)
    basis = np.linalg.qr(x * root[:, None])[0]
    return design._calibrated(g * design.weights, GregStep(basis, g * root))


def model_matrix(design, margins: dict, totals: dict,
                 population: float | None) -> tuple[np.ndarray, np.ndarray]:
    """R's model.matrix of a calibration formula and the population totals of its columns.

    x is an intercept, treatment-coded dummies of each margin (first category dropped, as R's
    model.matrix) and the numeric columns of `totals`. The intercept's total is `population`
    or, failing that, the common total of the margins.
    """
    data, w = design.data, design.weights
    columns, targets, grand = [np.ones(len(w))], [], []
    for var, pop in margins.items():
        codes, target = _margin(data, w, var, pop, "calibrate.margin_")
        grand.append(target)
        for k in range(1, len(target)):
            columns.append((codes == k).astype(float))
            targets.append(target[k])
    _same_grand_total(grand + ([np.array([population])] if population is not None else []),
                      "calibrate.margin_totals")
    if population is None and not grand:
        raise AnalysisError("calibrate.population")
    intercept = float(population if population is not None else grand[0].sum())
    for var, total in totals.items():
        columns.append(_numeric_margin(data, var))
        targets.append(float(total))
    return np.column_stack(columns), np.array([intercept] + targets)


def _margin(data, w, var, population: dict, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Code a categorical column and line up its population counts by category.

    Categories present in the sample must have a positive population count, and categories
    with a positive count must be in the sample with positive weight (R's postStratify
    without partial=TRUE).
    """
    codes, levels = pd.factorize(column(data, var), sort=True, use_na_sentinel=True)
    if (codes < 0).any():
        raise AnalysisError(prefix + "missing", column=var, rows=int((codes < 0).sum()))
    try:
        lookup = {_plain(k): float(v) for k, v in population.items()}
    except (TypeError, ValueError):
        raise AnalysisError(prefix + "totals", column=var) from None
    values = np.array(list(lookup.values()))
    if not (np.all(np.isfinite(values)) and np.all(values >= 0)):
        raise AnalysisError(prefix + "totals", column=var)
    levels = [_plain(v) for v in levels]
    weighted = np.bincount(codes, weights=w, minlength=len(levels)) > 0
    missing = [v for v in levels if not lookup.get(v, 0) > 0]
    present = {v for v, seen in zip(levels, weighted, strict=True) if seen}
    absent = [k for k, v in lookup.items() if v > 0 and k not in present]
    if missing or absent:
        raise AnalysisError(prefix + "categories", column=var, not_in_population=missing,
                            not_in_data=absent)
    return codes.astype(np.int64), np.array([lookup[v] for v in levels])


def _margin_factor(codes, target, w) -> np.ndarray:
    """Per-row factor N_g / sum_g w (every category has positive weight, see _margin)."""
    return (target / np.bincount(codes, weights=w, minlength=len(target)))[codes]


def _same_grand_total(targets: list, code: str) -> None:
    sums = np.array([t.sum() for t in targets])
    if len(sums) and np.ptp(sums) > TOTALS_AGREE * np.max(np.abs(sums)):
        raise AnalysisError(code, totals=sums.tolist())


def _numeric_margin(data, var) -> np.ndarray:
    col = column(data, var)
    if not pd.api.types.is_numeric_dtype(col):
        raise AnalysisError("variable.non_numeric", column=var)
    x = col.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(x).any():
        raise AnalysisError("calibrate.margin_missing", column=var)
    return x


def _group_sums(codes: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Column sums of `block` within each code: a sparse indicator times the block."""
    size = int(codes.max()) + 1 if len(codes) else 0
    indicator = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                  shape=(size, len(codes)))
    return np.asarray(indicator @ block)


def _cross_means(codes, counts, inverse, other_codes, other_weights) -> np.ndarray:
    """B[g, h] = mean over rows of category g of (w_other / w) 1[other category = h]."""
    size, other = len(counts), int(other_codes.max()) + 1
    sums = np.bincount(codes * other + other_codes, weights=other_weights * inverse,
                       minlength=size * other)
    return sums.reshape(size, other) / counts[:, None]


def _safe_divide(num, den) -> np.ndarray:
    """num / den with 0 where den is 0: rows of weight 0 carry z = 0 (R would give NaN)."""
    den = np.asarray(den, dtype=float)
    num = np.broadcast_to(np.asarray(num, dtype=float), den.shape)
    return np.divide(num, den, out=np.zeros(den.shape), where=den != 0)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
