"""Calibration with a distance function and bounds in one procedure: R's `calibrate()`/`grake()`.

    design.calibrate(margins, calfun="raking", bounds=(0.7, 1.25))

is R's `calibrate(design, ~a + b, population, calfun = "raking", bounds = c(0.7, 1.25))`:
the weights w g_i meet every margin with each g_i inside the bounds, so no trimming step runs
after the calibration and undoes it. Newton steps on eta, as R's `grake` (survey 4.1.1):

    g = 1 + F(x'eta),  F_raking(u) = clip(exp(u), L, U) - 1,  F_linear(u) = clip(u + 1, L, U) - 1
    eta += ginv(sum w F'(x'eta) x x') (T - sum w x - sum w x F(x'eta)),  step halved while g is
    not finite; stop when every |misfit| / (1 + |T|) < epsilon or after max_iter steps.

R's quirks are kept so the weights agree to rounding: F' is 0 where x'eta is outside
(L - 1, U - 1) (even for raking, whose u is on the log scale); when every population total is
more than 20 times the sample total the weights are first multiplied by the mean ratio and the
bounds apply after that rescaling; `bounds_const=True` gives bounds on the weights themselves
(L / w_i, U / w_i on g). The variance step is R's for every calfun: residuals of the least
squares fit of z/(g w) on x with the design weights (`calibrate.GregStep`).

When a bound makes a margin unreachable, R stops with "Calibration failed"; here that is the
error `calibrate.not_converged`, or with `force=True` the design with the weights of the last
step, whose missed margins `margin_report` shows.
"""
import numpy as np
import pandas as pd

from analysis.calibrate import _margin, model_matrix, with_greg_step
from analysis.errors import AnalysisError

CALFUNS = ("linear", "raking")
RESCALE_ABOVE = 20  # R's SOMETHRESHOLD
GINV_TOLERANCE = 256 * np.finfo(float).eps


def calibrate(design, margins: dict, totals: dict, population: float | None, calfun: str,
              bounds, bounds_const: bool, max_iter: int, epsilon: float, force: bool):
    """Return the calibrated design (see the module docstring)."""
    if calfun not in CALFUNS:
        raise AnalysisError("calibrate.calfun", calfun=calfun)
    lower, upper = (-np.inf, np.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if not lower < upper or (calfun == "raking" and upper <= 0):
        raise AnalysisError("calibrate.bounds", bounds=[lower, upper])
    x, target = model_matrix(design, margins, totals, population)
    w = design.weights
    if bounds_const:
        lower, upper = (np.where(w > 0, b / np.where(w > 0, w, 1), b) for b in (lower, upper))
    g, misfit = _newton(x, w, target, calfun, lower, upper, max_iter, epsilon)
    if misfit >= epsilon and not force:
        raise AnalysisError("calibrate.not_converged", misfit=misfit, max_iter=max_iter)
    return with_greg_step(design, x, g)


def _newton(x, w, target, calfun, lower, upper, max_iter, epsilon) -> tuple[np.ndarray, float]:
    """R's grake: g and the largest relative misfit max |T - sum w g x| / (1 + |T|)."""
    transform = _raking if calfun == "raking" else _linear
    sample = x.T @ w
    scales = target / sample
    scale = None
    if np.min(scales) > RESCALE_ABOVE:
        scale = float(np.mean(scales))
        w, sample = w * scale, sample * scale
    eta = np.zeros(x.shape[1])
    u = x @ eta
    f, deriv = transform(u, lower, upper)
    iteration = 1
    while True:
        cross = (x * (w * deriv)[:, None]).T @ x
        step = np.linalg.pinv(cross, rcond=GINV_TOLERANCE) @ (target - sample - x.T @ (w * f))
        eta = eta + step
        f, deriv = transform(x @ eta, lower, upper)
        while iteration < max_iter and not (np.isfinite(f).all() and np.isfinite(deriv).all()):
            iteration += 1
            step = step / 2
            eta = eta - step
            f, deriv = transform(x @ eta, lower, upper)
        misfit = float(np.max(np.abs(target - sample - x.T @ (w * f)) / (1 + np.abs(target))))
        if misfit < epsilon:
            break
        iteration += 1
        if iteration > max_iter:
            break
    g = 1 + f
    return (g * scale if scale is not None else g), misfit


def _raking(u, lower, upper):
    with np.errstate(over="ignore"):
        e = np.exp(u)
    inside = (u < upper - 1) & (u > lower - 1)
    return np.minimum(np.maximum(e, lower), upper) - 1, np.where(inside, e, 0.0)


def _linear(u, lower, upper):
    inside = (u < upper - 1) & (u > lower - 1)
    return np.minimum(np.maximum(u + 1, lower), upper) - 1, inside.astype(float)


def margin_report(design, margins: dict) -> pd.DataFrame:
    """Each margin category's population total beside the design's weighted total.

    Columns: variable, category, target, achieved, difference (achieved - target) and
    relative (difference / target). Use it after a forced calibration, or to see how far
    weights calibrated on other margins (or trimmed) are from a frame's totals.
    """
    rows = []
    w = design.weights
    for var, population in margins.items():
        codes, target = _margin(design.data, w, var, population, "calibrate.margin_")
        achieved = np.bincount(codes, weights=w, minlength=len(target))
        levels = pd.factorize(design.data[var], sort=True)[1]
        for level, t, a in zip(levels, target, achieved, strict=True):
            rows.append({"variable": var, "category": level.item() if hasattr(level, "item")
                         else level, "target": t, "achieved": a})
    out = pd.DataFrame(rows, columns=["variable", "category", "target", "achieved"])
    out["difference"] = out["achieved"] - out["target"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["relative"] = out["difference"] / out["target"]
    return out
