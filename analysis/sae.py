"""Small-area estimation: the Fay-Herriot area-level EBLUP (Rao & Molina 2015, ch. 6).

Model: direct_d = x_d' beta + u_d + e_d, u_d ~ N(0, s2u), e_d ~ N(0, psi_d) with psi_d known.

- s2u by REML, Fisher scoring from median(psi) as R's sae::eblupFH, truncated at 0:
  s2u <- s2u + [tr(P P)/2]^-1 [y'P P y - tr(P)]/2, P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1.
- gamma_d = s2u / (s2u + psi_d) (the shrinkage factor, the weight on the direct estimate),
  EBLUP_d = gamma_d direct_d + (1 - gamma_d) x_d' beta, beta the GLS fit.
- MSE (Prasad-Rao, REML): g1 + g2 + 2 g3 with g1 = gamma psi, g2 = (1-gamma)^2 x'(X'V^-1 X)^-1 x,
  g3 = psi^2/(s2u + psi)^3 * 2 / sum (s2u + psi)^-2 (METHODS §4.5).
- Areas without a direct estimate (NaN) get the synthetic x'beta with MSE s2u + x'(X'V^-1X)^-1 x.

`small_area` takes psi from the design (`sae_variance`): each area's own linearised variance of
the modelled estimate where it is stable, a generalised variance function elsewhere, and a
within-area model when the areas are the PSUs. Validation by simulation with known truth:
benchmarks/bench_sae.py; the model-based check with the FH model true is in
tests/analysis/test_fay_herriot.py.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import estimate
from analysis.columns import numeric
from analysis.errors import AnalysisError
from analysis.indices import linearise_index
from analysis.sae_variance import area_variances


@dataclass(frozen=True)
class FayHerriotFit:
    """The fitted model: area table plus s2u, beta and whether scoring converged."""

    table: pd.DataFrame  # direct, psi, synthetic, shrinkage, eblup, mse
    sigma2_u: float
    beta: np.ndarray
    iterations: int
    converged: bool


def fay_herriot(direct, psi, x=None, max_iter: int = 100, tol: float = 1e-10) -> FayHerriotFit:
    """Fit the Fay-Herriot model; x defaults to an intercept (m x p design matrix otherwise)."""
    direct, psi = np.asarray(direct, float), np.asarray(psi, float)
    x = np.ones((len(direct), 1)) if x is None else np.asarray(x, float).reshape(len(direct), -1)
    sampled = ~np.isnan(direct)
    if len(psi) != len(direct) or np.any(~(psi[sampled] > 0)) or np.isnan(x).any():
        raise AnalysisError("sae.input", areas=len(direct), variances=len(psi))
    if sampled.sum() <= x.shape[1]:
        raise AnalysisError("sae.input", areas=int(sampled.sum()), covariates=x.shape[1])
    y, v, xs = direct[sampled], psi[sampled], x[sampled]
    s2u, iterations, converged = _reml(y, v, xs, max_iter, tol)
    inv = 1 / (s2u + v)
    info = (xs * inv[:, None]).T @ xs
    info_inv = np.linalg.inv(info)
    beta = info_inv @ (xs.T @ (inv * y))
    synthetic = x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, info_inv, x)
    gamma = np.zeros(len(direct))
    mse = s2u + leverage
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma[sampled] = s2u / (s2u + v)
    var_s2u = 2 / np.sum(inv**2)
    g1 = gamma[sampled] * v
    g2 = (1 - gamma[sampled]) ** 2 * leverage[sampled]
    g3 = v**2 * inv**3 * var_s2u
    mse[sampled] = g1 + g2 + 2 * g3
    eblup = synthetic.copy()
    eblup[sampled] = gamma[sampled] * y + (1 - gamma[sampled]) * synthetic[sampled]
    table = pd.DataFrame({"direct": direct, "psi": psi, "synthetic": synthetic,
                          "shrinkage": np.where(sampled, gamma, np.nan), "eblup": eblup,
                          "mse": mse})
    return FayHerriotFit(table, float(s2u), beta, iterations, converged)


def _reml(y, v, x, max_iter, tol) -> tuple[float, int, bool]:
    """REML estimate of s2u by Fisher scoring, kept at 0 when the score there is negative."""
    s2u = float(np.median(v))
    for iteration in range(1, max_iter + 1):
        inv = 1 / (s2u + v)
        xv = x * inv[:, None]
        proj = np.diag(inv) - xv @ np.linalg.solve(x.T @ xv, xv.T)
        py = proj @ y
        score = 0.5 * (py @ py - np.trace(proj))
        fisher = 0.5 * np.sum(proj * proj.T)
        step = score / fisher
        new = max(s2u + step, 0.0)
        if abs(new - s2u) < tol * max(1.0, s2u):
            return new, iteration, True
        s2u = new
    return s2u, max_iter, False


def smooth_psi(n, p: float, deff: float) -> np.ndarray:
    """Generalised variance function psi_d = deff p (1 - p) / n_d (NaN where n_d = 0).

    Only for a share whose areas have no usable design variance at all; `small_area` uses
    the design's own variances (`sae_variance`).
    """
    n = np.asarray(n, float)
    with np.errstate(divide="ignore"):
        return np.where(n > 0, deff * p * (1 - p) / n, np.nan)


def small_area(design, var: str, by, covariates: pd.DataFrame | None = None,
               definitions=None, scale_points=5) -> pd.DataFrame:
    """Direct and Fay-Herriot estimates per domain, side by side.

    `var` is a column whose mean is modelled or, with `definitions`, an index id of them
    (items and composites alike). `covariates`, if given, is indexed by the domain value (a
    single `by` column) and its columns join the intercept in x. Returns the `by` columns, n,
    direct, direct_se, psi, psi_source (direct, gvf or within: see `sae_variance`), shrinkage,
    eblup, mse and rmse. Domains with no respondents get the synthetic estimate. The linear
    model does not bound the EBLUP to [0, 1]; it is reported as fitted.
    """
    if definitions is None:
        y = numeric(design.data, var)
        dom, groups = design.domains(by, np.isnan(y))
        valid = y[~np.isnan(y)]
        binary = bool(np.all((valid == 0) | (valid == 1)))
        lin = estimate.ratio_linear(design.weights, y, np.ones(len(y)), dom, len(groups), binary)
    else:
        groups, lin = linearise_index(design, definitions, var, by, scale_points)
    areas = area_variances(design, lin)
    x = None
    if covariates is not None:
        keys = groups[by if isinstance(by, str) else by[0]]
        x = np.column_stack([np.ones(len(groups)), covariates.loc[keys].to_numpy(float)])
    fit = fay_herriot(areas["direct"].to_numpy(), areas["psi"].to_numpy(), x).table
    out = groups.reset_index(drop=True).copy()
    out["n"] = areas["n"].to_numpy()
    out["direct"] = areas["direct"].to_numpy()
    out["direct_se"] = np.sqrt(areas["direct_var"].to_numpy())
    out["psi"] = areas["psi"].to_numpy()
    out["psi_source"] = areas["psi_source"].to_numpy()
    for column in ("shrinkage", "eblup", "mse"):
        out[column] = fit[column].to_numpy()
    out["rmse"] = np.sqrt(out["mse"])
    return out
