"""The rebuild kit: R's `survey` runs the generated script on the exported files and reproduces the
published overall and per-district table to 1e-8, for each kind of design.

Needs Rscript with the survey package (Debian: r-base-core, r-cran-survey). Without it the R tests
are skipped, except under CI=true, where they fail: CI must never skip them silently.
"""
import io
import os
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from survey.db import get_session
from survey.estimates.dataset import Inclusion
from survey.exports.runner import write_file
from survey.questionnaires import check_answers
from survey.responses.operations import record_response
from survey.startup import registry
from survey.units.queries import query_units_on
from survey.waves import operations as wave_operations

RTOL = 1e-8
DISTRICTS = 4
COMMUNES_PER_DISTRICT = 3
SIPAS_ITEMS = ("access_channels", "access_signage", "access_premises", "access_equipment",
               "procedure_posted", "procedure_documents", "procedure_fees", "procedure_time",
               "official_polite", "official_answers", "official_guidance", "official_rules",
               "official_attentive", "result_on_time", "result_accurate", "result_fair",
               "feedback_channels")
MARGINS = ("item_id,category,total\nsex,male,230000\nsex,female,230196\n"
           "age_band,18_25,90000\nage_band,26_34,100000\nage_band,35_49,150000\n"
           "age_band,50_60,80000\nage_band,over_60,40196\n")
AGE_BANDS = ("18_25", "26_34", "35_49", "50_60", "over_60")
# Each design of issue 15 §5 is one entry; bounded raking joins as ("bounded_raked", …) once
# the wave design can carry bounds.
DESIGNS = {
    "uncalibrated": wave_operations.DesignData("district", "commune", "none", None, None),
    "raked": wave_operations.DesignData("district", "none", "rake", None, None),
    "raked_trimmed": wave_operations.DesignData("district", "none", "rake", 0.6, 1.6),
}


@pytest.fixture(scope="module")
def rscript():
    """The Rscript command with the survey package; skipped (failed under CI=true) without it."""
    found = shutil.which("Rscript")
    ok = found is not None and subprocess.run(
        [found, "-e", "library(survey)"], capture_output=True, timeout=120).returncode == 0
    if not ok:
        reason = ("the rebuild tests need Rscript with the survey package: "
                  "apt-get install r-base-core r-cran-survey")
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


def _communes():
    by_district = {}
    for unit in query_units_on(date(2025, 6, 1), level="commune"):
        by_district.setdefault(unit.parent_id, []).append(unit)
    chosen = [units[:COMMUNES_PER_DISTRICT] for units in by_district.values()
              if len(units) >= COMMUNES_PER_DISTRICT]
    return [u for units in chosen[:DISTRICTS] for u in units]


def _answers(rng, questionnaire):
    answers = {}
    for item in SIPAS_ITEMS:
        if rng.random() < 0.9:
            answers[item] = [str(int(rng.choice([1, 2, 3, 4, 5], p=[.05, .1, .2, .35, .3])))]
    if rng.random() < 0.3:
        answers["gave_feedback"] = ["yes"]
        answers["feedback_handled"] = [str(int(rng.integers(1, 6)))]
        answers["feedback_notified"] = [str(int(rng.integers(2, 6)))]
    answers["sex"] = [["male", "female"][int(rng.integers(0, 2))]]
    if rng.random() < 0.9:  # a respondent who skips the age band forms the "" category
        answers["age_band"] = [AGE_BANDS[int(rng.integers(0, len(AGE_BANDS)))]]
    answers["ethnicity"] = [["01", "03", "08", "other"][int(rng.integers(0, 4))]]
    if answers["ethnicity"] == ["other"]:
        answers["ethnicity_other"] = ["Lự"]
    checked = check_answers(questionnaire, answers)
    assert checked.ok, checked.errors
    return checked


def _kit_wave(name, count=240):
    wave = wave_operations.save_wave(wave_operations.WaveData(
        f"RB-{name}", "Đợt dựng lại", "sipas", date(2025, 3, 1), date(2025, 5, 31), "qr", False),
        None, None)
    wave_operations.save_design(wave, DESIGNS[name])
    wave_operations.census_frame(wave)
    if DESIGNS[name].calibration != "none":
        assert wave_operations.import_margins(wave, MARGINS.encode())[1] == []
    sipas = registry().get("sipas")
    rng = np.random.default_rng(15)
    communes = _communes()
    for n in range(count):
        unit = communes[(n * 7) % len(communes)] if n % 5 else communes[n % 2]
        record_response(sipas, _answers(rng, sipas), channel="qr", unit_id=unit.id,
                        submitted_at=datetime(2025, 3 + n % 3, 1 + n % 27, 4, tzinfo=UTC),
                        flags=("burst",) if n % 40 == 3 else ())
    return wave


def _run_kit(wave, tmp_path, rscript, inclusion):
    path = tmp_path / "kit.zip"
    write_file(get_session(), wave, inclusion, "rebuild", path, lambda n: None)
    with zipfile.ZipFile(path) as kit:
        kit.extractall(tmp_path)
    subprocess.run([rscript, "rebuild.R"], cwd=tmp_path, check=True, capture_output=True,
                   timeout=600)
    return tmp_path


def _compare(published, rebuilt, keys):
    published = published.drop(columns=[c for c in ("domain",) if c not in keys])
    merged = published.merge(rebuilt, on=keys, suffixes=("", "_r"), validate="one_to_one")
    assert len(merged) == len(published) > 0
    estimates = merged[["estimate", "estimate_r"]].to_numpy(float)
    finite = np.isfinite(estimates[:, 0])
    assert (np.isfinite(estimates[:, 1]) == finite).all()  # NaN: nobody answered in the domain
    np.testing.assert_allclose(estimates[finite, 1], estimates[finite, 0], rtol=RTOL)
    # A variance that is zero up to rounding (a domain inside one PSU) may come out of R's
    # sqrt as NaN (a tiny negative) and out of ours as 1e-17.
    se = np.nan_to_num(merged.loc[finite, ["se", "se_r"]].to_numpy(float))
    np.testing.assert_allclose(se[:, 1], se[:, 0], rtol=RTOL, atol=1e-12)
    return merged


# Weight bounds now mean raking within the bounds in one procedure (R's calibrate(bounds=)); the
# kit ships those weights as fixed until its scripts write that call, so R's SEs differ.
BOUNDED_NOT_IN_SCRIPTS = pytest.mark.xfail(strict=True, reason="bounded raking is not yet written "
                                           "into the rebuild scripts (issue 15 §5)")


@pytest.mark.rscript
@pytest.mark.parametrize("name", [pytest.param(name, marks=BOUNDED_NOT_IN_SCRIPTS)
                                  if DESIGNS[name].trim_low is not None else name for name in DESIGNS])
def test_r_rebuilds_the_published_table_from_the_kit(app, units, tmp_path, rscript, name):
    with app.app_context():
        wave = _kit_wave(name)
        # Flagged rows asked into the export are listed but change no official weight.
        folder = _run_kit(wave, tmp_path, rscript, Inclusion(include_flagged=True))
    data = pd.read_csv(folder / "data.csv", dtype={"stratum": str, "district_code": str})
    assert set(data["counted"]) == {0, 1}
    assert (data.loc[data["counted"] == 0, ["weight", "base_weight", "rep_1"]] == 0).all().all()
    overall = _compare(pd.read_csv(folder / "published_overall.csv"),
                       pd.read_csv(folder / "rebuilt_overall.csv"), ["indicator"])
    text = {"dtype": {"domain": str}, "keep_default_na": False,
            "na_values": dict.fromkeys(("estimate", "se", "se_replicate"), ["", "NA", "NaN"])}
    by_district = _compare(pd.read_csv(folder / "published_district.csv", **text),
                           pd.read_csv(folder / "rebuilt_district.csv", **text),
                           ["indicator", "domain"])
    assert by_district["domain"].nunique() == DISTRICTS
    assert np.isfinite(by_district.loc[by_district["indicator"] == "overall", "estimate"]).all()
    # Replicate SEs (calibration repeated in every replicate) agree with the linearised ones.
    shares = overall[overall["indicator"].isin(["overall", "access", "officials"])]
    np.testing.assert_allclose(shares["se_replicate"], shares["se"], rtol=0.25)


def test_kit_holds_design_syntax_codebook_and_official_weights(app, units, tmp_path):
    with app.app_context():
        wave = _kit_wave("raked", count=120)
        path = tmp_path / "kit.zip"
        write_file(get_session(), wave, Inclusion(include_flagged=True), "rebuild", path, lambda n: None)
        plain = tmp_path / "plain.zip"
        write_file(get_session(), wave, Inclusion(), "rebuild", plain, lambda n: None)
    with zipfile.ZipFile(path) as kit:
        names = set(kit.namelist())
        assert {"data.csv", "rebuild.R", "rebuild.do", "rebuild.sps", "codebook.md", "variables.csv",
                "published_overall.csv", "published_district.csv"} <= names
        data = pd.read_csv(io.BytesIO(kit.read("data.csv")), dtype={"ethnicity": str})
        codebook = kit.read("codebook.md").decode()
        stata, spss = kit.read("rebuild.do").decode(), kit.read("rebuild.sps").decode()
    with zipfile.ZipFile(plain) as kit:
        official = pd.read_csv(io.BytesIO(kit.read("data.csv")))
    counted = data[data["counted"] == 1].set_index("response_id")
    assert len(official) == len(counted) and (official["counted"] == 1).all()
    # Adding flagged rows to the export leaves every official weight as it was.
    assert counted["weight"].to_numpy() == pytest.approx(
        official.set_index("response_id").loc[counted.index, "weight"].to_numpy(), rel=1e-15)
    assert set(data["ethnicity"].dropna()) <= {"01", "03", "08", "other"}
    assert "age_band__cal" in codebook and "JKn" in codebook and "rb1" in codebook
    assert "jkrweight(rep_*" in stata and "nlcom (overall:" in stata
    assert "CSPLAN ANALYSIS" in spss and "/RATIO NUMERATOR=rb" in spss


def test_labelled_files_store_the_questionnaires_own_digit_codes(app, units, tmp_path):
    import pyreadstat

    with app.app_context():
        wave = _kit_wave("uncalibrated", count=40)
        for fmt in ("sav", "dta"):
            write_file(get_session(), wave, Inclusion(), fmt, tmp_path / f"wave.{fmt}", lambda n: None)
    for frame, meta in (pyreadstat.read_sav(tmp_path / "wave.sav"),
                        pyreadstat.read_dta(tmp_path / "wave.dta")):
        labels = meta.variable_value_labels["ethnicity"]
        # GSO code 01 (Kinh) is 1 whatever its place in the list; "other" follows the two-digit codes.
        assert (labels[1], labels[3], labels[8], labels[100]) == ("Kinh", "Thái", "Mông", "Dân tộc khác")
        assert set(frame["ethnicity"].dropna()) == {1, 3, 8, 100}
        assert set(frame["counted"]) == {1}
