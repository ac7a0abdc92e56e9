"""Design columns and weights of a wave: strata, PSUs, fpc, design weights, calibration, trimming.

Design weight w = N_h / n_h (frame size over counted responses of the stratum); without a frame
every response weighs 1. Calibration (post-stratification or raking) runs in `analysis` so its
variance step is kept. Margins are used as shares: the weights keep the frame's total, and
respondents who did not answer a calibration item keep their weighted share ("" category).
Trimming keeps final weights within [low, high] x their mean, redistributing the excess; the
trimmed weights then enter the variance as fixed weights (no calibration step), which is
conservative.
"""
import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis import AnalysisError, Design
from survey.models import WaveMargin, WaveStratum

LONELY_PSU = "adjust"  # a stratum with one PSU is centred at the grand mean (R's "adjust")
TRIM_ROUNDS = 50
NOT_ANSWERED = ""


class DesignProblem(ValueError):
    """The wave's design cannot be applied to its responses; `code` and `details` say why."""

    def __init__(self, code: str, **details):
        super().__init__(code, details)
        self.code, self.details = code, details


def margins_of(session, wave_id: int) -> dict[str, dict[str, float]]:
    margins: dict[str, dict[str, float]] = {}
    for row in session.execute(select(WaveMargin).where(WaveMargin.wave_id == wave_id)).scalars():
        margins.setdefault(row.item_id, {})[row.category] = row.total
    return margins


def frame_sizes(session, wave_id: int) -> dict[str, float]:
    rows = session.execute(select(WaveStratum.stratum, WaveStratum.population)
                           .where(WaveStratum.wave_id == wave_id)).all()
    return dict(rows)


def items_needed(session, wave, design) -> set[str]:
    """Answers the design needs: calibration items and the village item for village PSUs."""
    needed = set(margins_of(session, wave.id)) if design.calibration != "none" else set()
    if design.psu == "village":
        needed.add("village")
    return needed


def prepare(frame: pd.DataFrame, design, sizes: dict[str, float]) -> pd.DataFrame:
    """Add stratum, psu, fpc and base_weight columns."""
    frame = frame.copy()
    if design.stratify_by == "district":
        frame["stratum"] = frame["district_code"].replace("", np.nan).fillna(frame["unit_code_old"])
    elif design.stratify_by == "commune":
        frame["stratum"] = frame["unit_code_new"].replace("", np.nan).fillna(frame["unit_code_old"])
    else:
        frame["stratum"] = None
    frame["psu"] = _psu(frame, design.psu)
    n = len(frame)
    if design.stratify_by != "none" and sizes:
        counts = frame.groupby("stratum")["response_id"].transform("size").to_numpy(float)
        population = frame["stratum"].map(sizes).to_numpy(float)
        missing = sorted(frame.loc[np.isnan(population), "stratum"].unique())
        if missing:
            raise DesignProblem("frame.missing_stratum", strata=missing)
        frame["base_weight"] = population / counts if n else []
        # For cluster samples the frame counts elements, not PSUs: no fpc (with replacement).
        frame["fpc"] = population if design.psu == "none" else np.nan
    else:
        frame["base_weight"] = 1.0
        frame["fpc"] = np.nan
    return frame


def _psu(frame, kind):
    if kind == "commune":
        return frame["unit_code_new"].replace("", np.nan).fillna(frame["unit_code_old"])
    if kind == "service_point":
        return frame["service_point_code"].where(frame["service_point_code"] != "",
                                                 "unit:" + frame["unit_code_old"].astype(str))
    if kind == "village":
        if "village" not in frame:
            raise DesignProblem("psu.no_village_item")
        return frame["village"].fillna(NOT_ANSWERED).astype(str)
    return None


def design_columns(frame: pd.DataFrame, design) -> tuple[str | None, str | None, str | None]:
    """The columns of a prepared frame that are its strata, PSUs and fpc (None: not used)."""
    strata = "stratum" if design.stratify_by != "none" else None
    psu = "psu" if design.psu != "none" else None
    fpc = "fpc" if frame["fpc"].notna().all() and len(frame) and strata else None
    return strata, psu, fpc


def build(frame: pd.DataFrame, design, margins: dict) -> Design:
    """The analysis design of a prepared frame, calibrated and trimmed as the wave says."""
    strata, psu, fpc = design_columns(frame, design)
    try:
        result = Design(frame, weights="base_weight", strata=strata, psu=psu, fpc=fpc,
                        lonely_psu=LONELY_PSU)
        if design.calibration != "none" and margins:
            result = _calibrate(result, frame, design.calibration, margins)
        if design.trim_low is not None or design.trim_high is not None:
            trimmed = trim(result.weights, design.trim_low, design.trim_high)
            if not np.allclose(trimmed, result.weights):
                data = frame.assign(trimmed_weight=trimmed)
                result = Design(data, weights="trimmed_weight", strata=strata, psu=psu, fpc=fpc,
                                lonely_psu=LONELY_PSU)
    except AnalysisError as exc:
        raise DesignProblem("analysis." + exc.code, **exc.details) from exc
    return result


def _calibrate(result: Design, frame, method, margins) -> Design:
    return calibrate_to(result, method, calibration_targets(result.weights, frame, margins))


def calibrate_to(result: Design, method: str, targets: dict) -> Design:
    """Post-stratify or rake `result` to fixed population totals {column: {category: total}}."""
    if method == "poststratify":
        (var, population), = targets.items()
        return result.post_stratify(var, population)
    return result.rake(targets)


def calibration_targets(w: np.ndarray, frame, margins) -> dict:
    """Population totals per category of each calibration column `<item>__cal` (added to frame).

    Margins are shares of the weights' total `w`; rows without an answer form the "" category,
    whose total is their own weight.
    """
    total = w.sum()
    targets = {}
    for item, shares in margins.items():
        if item not in frame:
            raise DesignProblem("calibration.no_item", item=item)
        values = frame[item].astype(object).where(frame[item].notna(), NOT_ANSWERED)
        frame[item + "__cal"] = values.map(_code)
        missing = w[(values == NOT_ANSWERED).to_numpy()].sum()
        known = sum(shares.values())
        population = {cat: (total - missing) * n / known for cat, n in shares.items() if known > 0}
        present = set(frame[item + "__cal"].unique())
        empty = sorted(set(population) - present)
        if empty:
            raise DesignProblem("calibration.empty_category", item=item, categories=empty)
        unknown = sorted(present - set(population) - {NOT_ANSWERED})
        if unknown:
            raise DesignProblem("calibration.unknown_category", item=item, categories=unknown)
        if missing > 0:
            population[NOT_ANSWERED] = missing
        targets[item + "__cal"] = population
    return targets


def _code(value) -> str:
    """Answers as category codes: 2.0 read back from a number is the choice "2"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def trim(w: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    """Clip weights to [low, high] x mean weight, spreading the difference over the others."""
    w = np.asarray(w, float).copy()
    total = w.sum()
    for _ in range(TRIM_ROUNDS):
        mean = total / len(w)
        lo = -np.inf if low is None else low * mean
        hi = np.inf if high is None else high * mean
        clipped = np.clip(w, lo, hi)
        free = (clipped > lo) & (clipped < hi)
        gap = total - clipped.sum()
        if abs(gap) <= 1e-9 * total or not free.any():
            return clipped
        clipped[free] *= 1 + gap / clipped[free].sum()
        w = clipped
    return w


def apply(session, wave, design, frame: pd.DataFrame) -> tuple[pd.DataFrame, Design | None]:
    """Frame with stratum, psu, fpc and final `weight`, and its analysis design (None if empty)."""
    prepared = prepare(frame, design, frame_sizes(session, wave.id))
    if not len(prepared):
        prepared["weight"] = pd.Series(dtype=float)
        return prepared, None
    built = build(prepared, design, margins_of(session, wave.id))
    prepared["weight"] = built.weights
    return prepared, built
