"""Indices from plain-data definitions: item shares, 0-100 scores, composites, all/pooled top-2."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisError, Design, estimate_index, estimate_indices, mean_score, top2_share


@pytest.fixture
def answers():
    rng = np.random.default_rng(11)
    n = 800
    df = pd.DataFrame({
        "stratum": rng.integers(1, 4, n),
        "psu": rng.integers(1, 9, n),
        "commune": rng.choice(["x", "y"], n),
        "w": rng.uniform(1, 4, n),
    })
    for item, p in (("q1", [0.05, 0.05, 0.1, 0.4, 0.4]), ("q2", [0.1, 0.1, 0.2, 0.3, 0.3]),
                    ("q3", [0.3, 0.3, 0.2, 0.1, 0.1])):
        df[item] = rng.choice([1, 2, 3, 4, 5], n, p=p).astype(float)
        df.loc[rng.random(n) < 0.15, item] = np.nan
    return df


@pytest.fixture
def design(answers):
    return Design(answers, weights="w", strata="stratum", psu="psu")


def test_top2_share_is_the_mean_of_the_indicator(design, answers):
    top = np.where(answers["q1"].isna(), np.nan, (answers["q1"] >= 4).astype(float))
    direct = Design(answers.assign(t=top), weights="w", strata="stratum", psu="psu")
    pd.testing.assert_frame_equal(top2_share(design, "q1", by="commune"),
                                  direct.mean("t", by="commune"))


def test_mean_score_is_the_rescaled_mean(design):
    score, mean = mean_score(design, "q2").iloc[0], design.mean("q2").iloc[0]
    assert score["estimate"] == pytest.approx(100 * (mean["estimate"] - 1) / 4, rel=1e-13)
    assert score["se"] == pytest.approx(100 * mean["se"] / 4, rel=1e-13)
    assert score["deff"] == pytest.approx(mean["deff"], rel=1e-12)


def test_reverse_coding(design, answers):
    flipped = Design(answers.assign(r=6 - answers["q3"]), weights="w", strata="stratum",
                     psu="psu")
    pd.testing.assert_frame_equal(top2_share(design, "q3", reverse=True),
                                  top2_share(flipped, "r"))


def test_composite_of_indices_equals_composite_of_items(design):
    defs = [
        {"id": "a", "rule": "top2_share", "items": ["q1"]},
        {"id": "b", "rule": "top2_share", "items": ["q2"]},
        {"id": "element", "rule": "top2_share", "of": ["a", "b"], "weights": [0.25, 0.75]},
        {"id": "flat", "rule": "top2_share", "items": ["q1", "q2"], "weights": [0.25, 0.75]},
    ]
    element = estimate_index(design, defs, "element", by="commune")
    flat = estimate_index(design, defs, "flat", by="commune")
    pd.testing.assert_frame_equal(element, flat)
    parts = [estimate_index(design, defs, i, by="commune")["estimate"] for i in ("a", "b")]
    np.testing.assert_allclose(element["estimate"], 0.25 * parts[0] + 0.75 * parts[1])


def test_composite_variance_includes_the_covariance(design):
    """SE of the composite is not the SE of independent parts: one pass over z_C."""
    defs = [{"id": "c", "rule": "mean_score", "items": ["q1", "q2"]},
            {"id": "q1", "rule": "mean_score", "items": ["q1"]},
            {"id": "q2", "rule": "mean_score", "items": ["q2"]}]
    c, a, b = (estimate_index(design, defs, i).iloc[0]["se"] for i in ("c", "q1", "q2"))
    assert c != pytest.approx(np.sqrt(a**2 + b**2) / 2, rel=1e-6)


def test_all_top2_is_the_share_with_top_answers_on_every_answered_item(design, answers):
    items = answers[["q1", "q2"]]
    answered = items.notna().any(axis=1)
    ok = ((items >= 4) | items.isna()).all(axis=1)
    flag = np.where(answered, ok.astype(float), np.nan)
    direct = Design(answers.assign(t=flag), weights="w", strata="stratum", psu="psu")
    defs = [{"id": "comprehensive", "rule": "all_top2", "items": ["q1", "q2"]}]
    pd.testing.assert_frame_equal(estimate_index(design, defs, "comprehensive", by="commune"),
                                  direct.mean("t", by="commune"))


def test_own_mean_top2_is_the_share_whose_own_mean_is_at_least_four(design, answers):
    items = answers[["q1", "q2", "q3"]]
    own_mean = items.mean(axis=1)  # pandas skips the items a person did not answer
    flag = np.where(items.notna().any(axis=1), (own_mean >= 4).astype(float), np.nan)
    direct = Design(answers.assign(t=flag), weights="w", strata="stratum", psu="psu")
    defs = [{"id": "own", "rule": "own_mean_top2", "items": ["q1", "q2", "q3"]}]
    pd.testing.assert_frame_equal(estimate_index(design, defs, "own", by="commune"),
                                  direct.mean("t", by="commune"))


def test_the_three_headline_rules_differ_on_the_same_answers(design):
    items = ["q1", "q2", "q3"]
    defs = [{"id": "mean_of_shares", "rule": "top2_share", "items": items},
            {"id": "own_mean", "rule": "own_mean_top2", "items": items},
            {"id": "every_item", "rule": "all_top2", "items": items}]
    shown = {d["id"]: estimate_index(design, defs, d["id"]).iloc[0]["estimate"] for d in defs}
    assert shown["every_item"] < shown["own_mean"] < shown["mean_of_shares"]


def test_pooled_top2_is_a_ratio_of_counts(design, answers):
    items = answers[["q1", "q2", "q3"]]
    top = (items >= 4).sum(axis=1).astype(float)
    count = items.notna().sum(axis=1).astype(float)
    direct = Design(answers.assign(top=top, count=count), weights="w", strata="stratum",
                    psu="psu").ratio("top", "count", by="commune")
    defs = [{"id": "pooled", "rule": "pooled_top2", "items": ["q1", "q2", "q3"]}]
    ours = estimate_index(design, defs, "pooled", by="commune", ci="wald")
    np.testing.assert_allclose(ours["estimate"], direct["estimate"], rtol=1e-13)
    np.testing.assert_allclose(ours["se"], direct["se"], rtol=1e-12)


def test_definitions_may_be_objects_with_attributes(design):
    obj = SimpleNamespace(id="a", rule="top2_share", items=("q1",), of=None, weights=None,
                          reverse=())
    as_dict = {"id": "a", "rule": "top2_share", "items": ["q1"]}
    pd.testing.assert_frame_equal(estimate_index(design, [obj], "a"),
                                  estimate_index(design, [as_dict], "a"))


def test_all_indices_stacked(design):
    defs = [{"id": "a", "rule": "top2_share", "items": ["q1"]},
            {"id": "s", "rule": "mean_score", "items": ["q2"]}]
    table = estimate_indices(design, defs, by="commune")
    assert list(table["index"]) == ["a", "a", "s", "s"]
    assert list(table.columns[:2]) == ["index", "commune"]


def test_scale_points_per_item(design, answers):
    seven = answers.assign(q7=answers["q1"] + 2)
    d = Design(seven, weights="w", strata="stratum", psu="psu")
    defs = [{"id": "s", "rule": "top2_share", "items": ["q7"]}]
    a = estimate_index(d, defs, "s", scale_points={"q7": 7})
    pd.testing.assert_frame_equal(a, top2_share(design, "q1"))


@pytest.mark.parametrize(("defs", "index_id", "code"), [
    ([{"id": "a", "rule": "top2_share", "items": ["q1"]}], "b", "index.unknown"),
    ([{"id": "a", "rule": "median", "items": ["q1"]}], "a", "index.rule"),
    ([{"id": "a", "rule": "top2_share", "items": ["q1", "q2"], "weights": [1.0]}], "a",
     "index.weights"),
    ([{"id": "a", "rule": "top2_share", "of": ["b"]},
      {"id": "b", "rule": "top2_share", "of": ["a"]}], "a", "index.cycle"),
    ([{"id": "a", "rule": "top2_share", "items": ["nope"]}], "a", "column.unknown"),
])
def test_bad_definitions(design, defs, index_id, code):
    with pytest.raises(AnalysisError) as error:
        estimate_index(design, defs, index_id)
    assert error.value.code == code


def test_answers_outside_the_scale(answers):
    d = Design(answers.assign(q1=answers["q1"] + 5), weights="w")
    with pytest.raises(AnalysisError) as error:
        top2_share(d, "q1")
    assert error.value.code == "index.scale"
