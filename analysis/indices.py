"""Satisfaction indices from the questionnaire's `indices` definitions (plain data, METHODS §4).

A definition is a mapping or object with `id`, `rule`, either `items` (item columns) or `of`
(other index ids), optional `weights` (default equal, summing to 1) and `reverse` (items scored
K + 1 - y). Rules, for items on a 1..K scale answered by the rows with delta_k = 1:

- top2_share   share answering K-1 or K: p_k = sum w delta_k 1[y_k >= K-1] / sum w delta_k
- mean_score   I_k = 100 (ybar_k - 1)/(K - 1), ybar_k over the item's respondents
- all_top2     "comprehensive" index: share of respondents with K-1 or K on every item they
               answered, among respondents who answered at least one
- pooled_top2  top-2 answers over all answered item-responses: a ratio of per-row counts
- own_mean_top2  share of respondents whose own mean answer over the items they answered is
               at least K-1 (">= 4" on a 5-point scale), among those who answered at least one

With several items or `of`, the index is the linear composite C = sum_k a_k theta_k of the item
(or component) indices, each a ratio with its own denominator. Its linearised values are
z_C = sum_k a_k z_k, so one variance pass includes every covariance between items.
"""
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import estimate, intervals
from analysis.columns import numeric
from analysis.errors import AnalysisError

SHARE_RULES = ("top2_share", "all_top2", "pooled_top2", "own_mean_top2")
RESPONDENT_RULES = ("all_top2", "pooled_top2", "own_mean_top2")  # per-person scores, items only
RULES = SHARE_RULES + ("mean_score",)


@dataclass(frozen=True, eq=False)
class _Part:
    estimate: np.ndarray  # (D,)
    z: np.ndarray  # (n,)
    used: np.ndarray  # (n,) bool: the row answered at least one item of the index


def top2_share(design, item: str, by=None, scale_points: int = 5, reverse: bool = False,
               ci: str = "beta", level: float = 0.95, df: float | None = None) -> pd.DataFrame:
    """Top-2-box share of one item per domain."""
    spec = {"id": item, "rule": "top2_share", "items": [item],
            "reverse": [item] if reverse else []}
    return estimate_index(design, [spec], item, by, scale_points, ci, level, df)


def mean_score(design, item: str, by=None, scale_points: int = 5, reverse: bool = False,
               level: float = 0.95, df: float | None = None) -> pd.DataFrame:
    """Mean score of one item rescaled to 0-100, per domain, with a Wald interval."""
    spec = {"id": item, "rule": "mean_score", "items": [item],
            "reverse": [item] if reverse else []}
    return estimate_index(design, [spec], item, by, scale_points, "wald", level, df)


def estimate_index(design, definitions, index_id: str, by=None, scale_points=5,
                   ci: str = "beta", level: float = 0.95, df: float | None = None,
                   target: float | None = None) -> pd.DataFrame:
    """One index per domain, in the table format of `Design.mean`.

    `scale_points` is K for every item, or a mapping item -> K. Share indices take proportion
    intervals (`ci`); mean-score indices always take Wald intervals. A `target` (on the
    index's own scale) adds the target assessment columns.
    """
    intervals.check(ci, level)
    groups, lin = linearise_index(design, definitions, index_id, by, scale_points)
    return estimate.table(groups, estimate.summarise(design, lin), lin.proportion,
                          ci if lin.proportion else "wald", level, df, target)


def linearise_index(design, definitions, index_id: str, by=None,
                    scale_points=5) -> tuple[pd.DataFrame, estimate.Linearised]:
    """The domains and the linearised index (`proportion` is True for share rules)."""
    defs = {_get(d, "id"): d for d in definitions}
    dom, groups = design.domains(by, np.zeros(len(design.data), bool))
    part = _linearise(design, defs, index_id, dom, len(groups), scale_points, ())
    share = _get(_lookup(defs, index_id), "rule") in SHARE_RULES
    return groups, estimate.Linearised(part.estimate, part.z, np.where(part.used, dom, -1), share)


def estimate_indices(design, definitions, by=None, scale_points=5, ci: str = "beta",
                     level: float = 0.95, df: float | None = None) -> pd.DataFrame:
    """Every defined index per domain, stacked with an `index` column first."""
    tables = []
    for definition in definitions:
        index_id = _get(definition, "id")
        table = estimate_index(design, definitions, index_id, by, scale_points, ci, level, df)
        table.insert(0, "index", index_id)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _linearise(design, defs, index_id, dom, n_dom, scale_points, trail) -> _Part:
    if index_id in trail:
        raise AnalysisError("index.cycle", index=index_id, trail=list(trail))
    spec = _lookup(defs, index_id)
    rule = _get(spec, "rule")
    if rule not in RULES:
        raise AnalysisError("index.rule", index=index_id, rule=rule)
    items, of = _get(spec, "items"), _get(spec, "of")
    if of:
        parts = [_linearise(design, defs, ref, dom, n_dom, scale_points, trail + (index_id,))
                 for ref in of]
        return _composite(parts, _weights(spec, len(parts)))
    answers = [_answers(design.data, item, scale_points, _get(spec, "reverse") or ())
               for item in items or ()]
    if not answers:
        raise AnalysisError("index.unknown", index=index_id, items=[])
    w = design.weights
    if rule in RESPONDENT_RULES:
        answered = np.column_stack([~np.isnan(y) for y, _ in answers])
        top = np.column_stack([np.nan_to_num(y) >= k - 1 for y, k in answers]) & answered
        used = answered.any(axis=1)
        if rule == "all_top2":
            num, den = (top == answered).all(axis=1).astype(float), np.ones(len(w))
        elif rule == "own_mean_top2":
            total = np.column_stack([np.nan_to_num(y) for y, _ in answers]).sum(axis=1)
            count = np.maximum(answered.sum(axis=1), 1)
            num, den = (total >= (answers[0][1] - 1) * count).astype(float), np.ones(len(w))
        else:
            num, den = top.sum(axis=1).astype(float), answered.sum(axis=1).astype(float)
        lin = estimate.ratio_linear(w, num, den, np.where(used, dom, -1), n_dom)
        return _Part(lin.estimate, lin.z, used)
    parts = []
    for y, k in answers:
        item_dom = np.where(np.isnan(y), -1, dom)
        if rule == "top2_share":
            lin = estimate.ratio_linear(w, (y >= k - 1).astype(float), np.ones(len(w)),
                                        item_dom, n_dom)
            parts.append(_Part(lin.estimate, lin.z, item_dom >= 0))
        else:
            lin = estimate.ratio_linear(w, y, np.ones(len(w)), item_dom, n_dom)
            scale = 100 / (k - 1)
            parts.append(_Part((lin.estimate - 1) * scale, lin.z * scale, item_dom >= 0))
    return _composite(parts, _weights(spec, len(parts)))


def _composite(parts, weights) -> _Part:
    estimate_ = sum(a * p.estimate for a, p in zip(weights, parts, strict=True))
    z = sum(a * p.z for a, p in zip(weights, parts, strict=True))
    used = np.logical_or.reduce([p.used for p in parts])
    return _Part(estimate_, z, used)


def _answers(data, item, scale_points, reverse) -> tuple[np.ndarray, int]:
    """Item answers as floats (NaN = not answered) and the item's number of scale points K."""
    k = scale_points[item] if isinstance(scale_points, Mapping) else int(scale_points)
    y = numeric(data, item)
    valid = y[~np.isnan(y)]
    if not np.all((valid >= 1) & (valid <= k) & (valid == np.round(valid))):
        raise AnalysisError("index.scale", item=item, scale_points=k)
    return (k + 1 - y if item in reverse else y), k


def _weights(spec, count: int) -> list[float]:
    weights = _get(spec, "weights")
    if weights is None:
        return [1 / count] * count
    if len(weights) != count:
        raise AnalysisError("index.weights", index=_get(spec, "id"), weights=list(weights))
    return [float(a) for a in weights]


def _lookup(defs, index_id):
    if index_id not in defs:
        raise AnalysisError("index.unknown", index=index_id)
    return defs[index_id]


def _get(spec, key):
    """Read a field from a mapping or from an object with attributes (e.g. a pydantic model)."""
    return spec.get(key) if isinstance(spec, Mapping) else getattr(spec, key, None)
