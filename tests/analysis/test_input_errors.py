"""Bad input raises AnalysisError with a stable code; tests assert codes, not prose."""
import numpy as np
import pandas as pd
import pytest

from analysis import CODES, AnalysisError, Design


@pytest.fixture
def data():
    return pd.DataFrame({
        "stratum": [1, 1, 1, 2, 2, 2],
        "psu": [1, 2, 2, 1, 2, 3],
        "w": [10.0, 10, 10, 20, 20, 20],
        "N": [30, 30, 30, 60, 60, 60],
        "y": [1, 0, 1, 1, 1, 0],
        "name": ["a", "b", "c", "d", "e", "f"],
        "sex": [1, 2, 1, 2, 1, 2],
    })


def _code(call) -> str:
    with pytest.raises(AnalysisError) as error:
        call()
    assert error.value.code in CODES
    return error.value.code


@pytest.mark.parametrize(("change", "code"), [
    ({"w": [10.0, -1, 10, 20, 20, 20]}, "weights.negative"),
    ({"w": [10.0, np.nan, 10, 20, 20, 20]}, "weights.nan"),
    ({"w": [10.0, np.inf, 10, 20, 20, 20]}, "weights.infinite"),
    ({"w": [0.0] * 6}, "weights.zero_sum"),
    ({"w": list("abcdef")}, "weights.non_numeric"),
    ({"stratum": [1, None, 1, 2, 2, 2]}, "strata.missing"),
    ({"psu": [1, 2, None, 1, 2, 3]}, "psu.missing"),
    ({"N": [30, 30, 30, 2, 2, 2]}, "fpc.too_small"),
    ({"N": [30, 31, 30, 60, 60, 60]}, "fpc.not_constant"),
    ({"N": [30, None, 30, 60, 60, 60]}, "fpc.non_numeric"),
])
def test_bad_design_columns(data, change, code):
    bad = data.assign(**change)
    assert _code(lambda: Design(bad, weights="w", strata="stratum", psu="psu", fpc="N")) == code


def test_error_details_name_the_stratum(data):
    with pytest.raises(AnalysisError) as error:
        Design(data.assign(N=[30, 30, 30, 2, 2, 2]), weights="w", strata="stratum", fpc="N")
    assert error.value.details["stratum"] == 2


@pytest.mark.parametrize("argument", ["weights", "strata", "psu", "fpc"])
def test_unknown_design_column(data, argument):
    assert _code(lambda: Design(data, **{argument: "nope"})) == "column.unknown"


def test_unknown_lonely_psu_mode(data):
    assert _code(lambda: Design(data, lonely_psu="collapse")) == "lonely_psu.unknown"


@pytest.mark.parametrize(("call", "code"), [
    (lambda d: d.mean("nope"), "column.unknown"),
    (lambda d: d.mean("y", by="nope"), "column.unknown"),
    (lambda d: d.mean("name"), "variable.non_numeric"),
    (lambda d: d.ratio("y", "name"), "variable.non_numeric"),
    (lambda d: d.mean("y", ci="clopper"), "ci.unknown"),
    (lambda d: d.mean("y", level=95), "ci.level"),
    (lambda d: d.total("y", ci="beta"), "ci.unsupported"),
    (lambda d: d.ratio("y", "w", ci="logit"), "ci.unsupported"),
])
def test_bad_estimator_arguments(data, call, code):
    assert _code(lambda: call(Design(data, weights="w", strata="stratum"))) == code


@pytest.mark.parametrize(("margins", "code"), [
    ({"sex": {1: 30, 2: 60, 3: 10}}, "rake.margin_categories"),
    ({"sex": {1: 90}}, "rake.margin_categories"),
    ({"sex": {1: 40, 2: 50}, "stratum": {1: 40, 2: 60}}, "rake.margin_totals"),
    ({"sex": {1: -40, 2: 130}}, "rake.margin_totals"),
    ({"nope": {1: 90}}, "column.unknown"),
])
def test_bad_rake_margins(data, margins, code):
    d = Design(data, weights="w", strata="stratum")
    assert _code(lambda: d.rake(margins)) == code


def test_rake_that_does_not_converge(data):
    d = Design(data, weights="w", strata="stratum")
    margins = {"sex": {1: 45, 2: 45}, "stratum": {1: 30, 2: 60}}
    assert _code(lambda: d.rake(margins, max_iter=1)) == "rake.not_converged"
    assert d.rake(margins, max_iter=100).weights.sum() == pytest.approx(90)


def test_rake_missing_values(data):
    d = Design(data.assign(sex=[1, 2, None, 2, 1, 2]), weights="w", strata="stratum")
    assert _code(lambda: d.rake({"sex": {1: 40, 2: 50}})) == "rake.margin_missing"


@pytest.mark.parametrize(("population", "code"), [
    ({1: 40, 2: 50, 3: 5}, "poststratify.categories"),
    ({1: 40}, "poststratify.categories"),
    ({1: 40, 2: np.nan}, "poststratify.totals"),
    ({1: 40, 2: "many"}, "poststratify.totals"),
])
def test_bad_post_strata(data, population, code):
    d = Design(data, weights="w", strata="stratum")
    assert _code(lambda: d.post_stratify("sex", population)) == code


def test_post_stratum_whose_rows_all_have_zero_weight(data):
    d = Design(data.assign(w=[0.0, 10, 0, 20, 0, 20]), weights="w")
    assert _code(lambda: d.post_stratify("sex", {1: 40, 2: 50})) == "poststratify.categories"


def test_bad_calibration(data):
    d = Design(data, weights="w", strata="stratum")
    assert _code(lambda: d.calibrate(totals={"y": 50})) == "calibrate.population"
    assert _code(lambda: d.calibrate({"sex": {1: 40, 2: 50}}, population=100)) == \
        "calibrate.margin_totals"
    twice = data.assign(y2=data["y"] * 2)
    d2 = Design(twice, weights="w")
    assert _code(lambda: d2.calibrate(totals={"y": 50, "y2": 100}, population=90)) == \
        "calibrate.singular"


def test_replicates_need_an_uncalibrated_design_with_two_psus_per_stratum(data):
    d = Design(data, weights="w", strata="stratum", psu="psu")
    calibrated = d.post_stratify("sex", {1: 40, 2: 50})
    assert _code(calibrated.jackknife) == "replicate.calibrated"
    lonely = Design(data.assign(psu=[1, 1, 1, 1, 2, 3]), weights="w", strata="stratum",
                    psu="psu", lonely_psu="remove")
    assert _code(lonely.jackknife) == "replicate.lonely_psu"


def test_every_code_has_a_description():
    assert all(isinstance(text, str) and text for text in CODES.values())
    with pytest.raises(KeyError):
        AnalysisError("not.a.code")
