"""Design columns and weights of a wave: strata, PSUs, fpc, design weights, calibration, bounds.

Design weight w = N_h / n_h (frame size over counted responses of the stratum); without a frame
every response weighs 1. Calibration runs in `analysis` so its variance step is kept. Margins
are used as shares: the weights keep the frame's total, and respondents who did not answer a
calibration item keep their weighted share ("" category). Raking also takes the strata
populations of the frame as a margin, so calibrating to demographic margins cannot move the
district (or commune) totals away from the frame.

Weight bounds ([low, high] x the mean weight) are not a trimming step after calibration (which
undid the margins: 11.7 points off the ethnicity margin in one wave): the weights are
calibrated with the bounds in one procedure, R's `calibrate(..., calfun = "raking", bounds,
bounds.const = TRUE)`. When the bounds make a margin unreachable the weights of the last step
are kept and `margins_report` shows what was missed.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis import AnalysisError, Design, margin_report
from survey.models import WaveMargin, WaveStratum

LONELY_PSU = "adjust"  # a stratum with one PSU is centred at the grand mean (R's "adjust")
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
        if design.psu == "none":
            # More responses than the stratum has people (stuffing, or a frame too small): it
            # cannot be estimated, and must not blank the others. Left out, and reported.
            frame.loc[counts > population, "base_weight"] = np.nan
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


@dataclass(frozen=True)
class Calibration:
    """How a wave's base weights become its final weights, reusable on replicate designs."""

    method: str  # none, poststratify, rake or bounded (raking within bounds, one procedure)
    targets: dict  # calibration column -> {category: population total}
    population: float = 0.0  # the base weights' total (bounded raking keeps it)
    bounds: tuple[float, float] | None = None  # absolute weight bounds of bounded raking

    def apply(self, result: Design) -> Design:
        if self.method == "bounded":
            return result.calibrate(self.targets, population=self.population, calfun="raking",
                                    bounds=self.bounds, bounds_const=True, force=True)
        if self.method == "poststratify":
            (var, population), = self.targets.items()
            return result.post_stratify(var, population)
        if self.method == "rake":
            return result.rake(self.targets)
        return result


def calibration_for(frame, base: Design, design, margins: dict, sizes: dict | None) -> Calibration:
    """The wave's calibration of `base` (adds the `<item>__cal` columns to `frame`)."""
    targets = calibration_targets(frame, base.weights, design, margins)
    if design.calibration == "rake" or _bounded(design):
        targets.update(strata_target(frame, design, sizes or {}))
    if _bounded(design):
        total = float(base.weights.sum())
        mean = total / len(frame)
        bounds = (mean * (design.trim_low or 0.0),
                  mean * (design.trim_high if design.trim_high is not None else np.inf))
        return Calibration("bounded", targets, total, bounds)
    if design.calibration in ("poststratify", "rake") and targets:
        return Calibration(design.calibration, targets)
    return Calibration("none", {})


def build(frame: pd.DataFrame, design, margins: dict, sizes: dict | None = None) -> Design:
    """The analysis design of a prepared frame, calibrated within its bounds as the wave says."""
    strata, psu, fpc = design_columns(frame, design)
    try:
        result = Design(frame, weights="base_weight", strata=strata, psu=psu, fpc=fpc,
                        lonely_psu=LONELY_PSU)
        result = calibration_for(frame, result, design, margins, sizes).apply(result)
    except AnalysisError as exc:
        raise DesignProblem("analysis." + exc.code, **exc.details) from exc
    return result


def _bounded(design) -> bool:
    return design.trim_low is not None or design.trim_high is not None


def calibration_targets(frame, w, design, margins) -> dict[str, dict[str, float]]:
    """Population totals per category of each calibration item (adds its `item__cal` column)."""
    if design.calibration == "none" or not margins:
        return {}
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


def strata_target(frame, design, sizes: dict) -> dict[str, dict[str, float]]:
    """The frame's population of every sampled stratum, as a calibration margin."""
    if design.stratify_by == "none" or not sizes or not len(frame):
        return {}
    present = frame["stratum"].astype(str).unique()
    return {"stratum": {code: float(sizes[code]) for code in present}}


def margins_report(frame: pd.DataFrame, built: Design, design, margins: dict,
                   sizes: dict) -> pd.DataFrame:
    """Every margin and stratum population beside the final weights' totals (`margin_report`)."""
    base = frame["base_weight"].to_numpy(float)
    targets = calibration_targets(built.data, base, design, margins)
    targets.update(strata_target(frame, design, sizes))
    if not targets:
        return pd.DataFrame(columns=["variable", "category", "target", "achieved", "difference",
                                     "relative"])
    report = margin_report(built, targets)
    report["variable"] = report["variable"].str.removesuffix("__cal")
    return report


def _code(value) -> str:
    """Answers as category codes: 2.0 read back from a number is the choice "2"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def apply(session, wave, design, frame: pd.DataFrame) -> tuple[pd.DataFrame, Design | None]:
    """Frame with stratum, psu, fpc and final `weight`, and its analysis design (None if empty).

    Rows of overfull strata (see `overfull_strata`) stay in the frame without a weight and are
    not in the design."""
    sizes = frame_sizes(session, wave.id)
    prepared = prepare(frame, design, sizes)
    prepared["weight"] = np.nan
    estimable = prepared["base_weight"].notna().to_numpy()
    if not estimable.any():
        return prepared, None
    built = build(prepared[estimable], design, margins_of(session, wave.id), sizes)
    prepared.loc[estimable, "weight"] = built.weights
    return prepared, built


def overfull_strata(frame: pd.DataFrame) -> list[dict]:
    """Strata left out of the estimates because they have more responses than population:
    [{"stratum", "population", "sampled"}], by stratum code."""
    left_out = frame[frame["base_weight"].isna()] if "base_weight" in frame else frame.iloc[:0]
    return [{"stratum": str(code), "population": float(rows["fpc"].iloc[0]), "sampled": len(rows)}
            for code, rows in left_out.groupby("stratum", sort=True)]
