"""The official design of a wave as exports ship it: base weights, calibration, replicate weights.

The official estimate counts the responses the wave's own rule counts (`Inclusion()`). An export
asked to include flagged or unverified rows lists them as well, marked `counted = 0` with weight 0,
so adding rows to an export never changes the official weights (issue 15 §5).
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask import current_app

from analysis import Design, ReplicateWeights, bootstrap_weights, jackknife_weights
from survey.estimates.dataset import FRAME_COLUMNS, Inclusion, base_frame, wave_design
from survey.estimates.weights import (
    LONELY_PSU,
    Calibration,
    calibration_for,
    design_columns,
    frame_sizes,
    margins_of,
)
from survey.models import Wave, WaveDesign

EXPORT_COLUMNS = [*FRAME_COLUMNS, "stratum_population", "base_weight", "counted", "interview_date"]
CALIBRATED = ("poststratify", "rake")
# Final weights the rebuild scripts take as they are: bounded raking (not yet written as R, Stata
# or SPSS syntax) and weights that no calibration of the base weights reproduces.
FIXED = "fixed"


@dataclass(frozen=True, eq=False)
class OfficialDesign:
    """The counted responses with their design columns, and how their weights were made."""

    settings: WaveDesign
    frame: pd.DataFrame  # counted rows: stratum, psu, fpc, base_weight, weight, <item>__cal, items
    final: Design | None  # None when no response counts
    base: Design | None  # the same rows with their base weights, before calibration
    method: str  # none, poststratify, rake, or FIXED
    calibration: Calibration  # how the base weights became the final ones
    sizes: dict  # sampling frame size per stratum

    @property
    def targets(self) -> dict:
        """Calibration column -> {category: population total}."""
        return self.calibration.targets

    def calibrate(self, design: Design) -> Design:
        """Calibrate `design` (e.g. a replicate) to the official population totals."""
        return self.calibration.apply(design)

    @property
    def design_columns(self) -> tuple[str | None, str | None, str | None]:
        return design_columns(self.frame, self.settings)


def official_design(session, wave: Wave) -> OfficialDesign:
    """The wave's official design; raises weights.DesignProblem when it cannot be applied."""
    from survey.estimates.results import analysis_frame

    frame, final = analysis_frame(session, wave, Inclusion())
    # Rows of an overfull stratum have no weight: they are not in the official estimate.
    frame = frame[frame["weight"].notna()] if "weight" in frame else frame
    settings = wave_design(session, wave)
    sizes = frame_sizes(session, wave.id)
    if final is None:
        return OfficialDesign(settings, frame, None, None, "none", Calibration("none", {}), sizes)
    strata, psu, fpc = design_columns(frame, settings)
    base = Design(frame, weights="base_weight", strata=strata, psu=psu, fpc=fpc,
                  lonely_psu=LONELY_PSU)
    calibration = calibration_for(frame, base, settings, margins_of(session, wave.id), sizes)
    method = calibration.method
    if method not in CALIBRATED + ("none",) or not np.allclose(
            final.weights, calibration.apply(base).weights, rtol=1e-12, atol=0):
        method = FIXED
    return OfficialDesign(settings, frame, final, base, method, calibration, sizes)


def export_frame(session, wave: Wave, inclusion: Inclusion,
                 official: OfficialDesign | None = None) -> pd.DataFrame:
    """The export's design columns: the counted rows and the rows `inclusion` adds, by id.

    Rows the official estimate does not count carry counted = 0 and zero weights.
    """
    official = official or official_design(session, wave)
    counted = official.frame.assign(counted=1)
    counted["stratum_population"] = counted["stratum"].map(official.sizes).astype(float)
    asked = base_frame(session, wave, inclusion)
    extra = asked[~asked["response_id"].isin(counted["response_id"])].assign(
        counted=0, base_weight=0.0, weight=0.0, stratum=None, psu=None, fpc=np.nan,
        stratum_population=np.nan)
    parts = [part[EXPORT_COLUMNS] for part in (counted, extra) if len(part)]
    if not parts:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out["interview_date"] = out["interview_date"].map(
        lambda day: day.isoformat() if hasattr(day, "isoformat") else None)
    return out.sort_values("response_id").reset_index(drop=True)


def replicate_weights(official: OfficialDesign) -> ReplicateWeights | None:
    """JKn replicates when there are few enough PSUs, else a bootstrap; each re-calibrated.

    Limits and the bootstrap's size and seed are the REBUILD_* configuration keys.
    """
    if official.final is None:
        return None
    config = current_app.config
    base = official.base.with_weights(official.final.weights) if official.method == FIXED else official.base
    calibrate = official.calibrate if official.method in CALIBRATED else None
    if base.layout.n_psu <= config["REBUILD_JACKKNIFE_MAX_REPLICATES"]:
        return jackknife_weights(base, calibrate)
    return bootstrap_weights(base, config["REBUILD_BOOTSTRAP_REPLICATES"],
                             config["REBUILD_BOOTSTRAP_SEED"], calibrate)
