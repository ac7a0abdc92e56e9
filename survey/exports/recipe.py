"""What the rebuild scripts need to know, in no particular language: design, calibration, indices.

Every published index is a function of ratios of weighted totals of per-row variables that the
scripts derive from the item columns (METHODS §4): a top-2 share of an item is
sum w top / sum w answered, a mean score 100 (sum w y / sum w answered - 1)/(K - 1), the
"comprehensive" index sum w all-top / sum w answered-any, the pooled share
sum w (top answers) / sum w (answered items), and a composite the weighted sum of its parts.
So each index is `constant + sum_k c_k N_k / D_k` over derived variables N_k, D_k; R's
`svycontrast` of `svytotal`, and Stata's `nlcom` of `svy: total`, give the same linearised
variance as the published table.

Derived variables are small expression trees rendered per language by `syntax`:
("answered", var), ("top", var, K, reverse), ("score", var, K, reverse), ("any", parts),
("all_top", parts of (var, K, reverse)), ("sum", parts).
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    coef: float  # of N/D in the index
    num: str  # derived variable names
    den: str


@dataclass(frozen=True)
class IndexRecipe:
    id: str
    label: str
    constant: float
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Recipe:
    wave_code: str
    strata: str | None
    psu: str | None
    fpc: str | None
    weight: str  # base_weight, or weight when the final weights are used as they are
    method: str  # none, poststratify, rake, fixed
    calibration: dict  # calibration column -> (item variable, {category: population total})
    lonely_psu: str
    text_columns: tuple[str, ...]  # read as text (codes keep their leading zeros)
    columns: tuple[str, ...]  # every column of data.csv, in order
    domain: str  # the column of the per-district table
    derived: dict = field(default_factory=dict)  # name -> expression tree
    indices: tuple[IndexRecipe, ...] = ()
    replicate_kind: str | None = None
    replicate_columns: tuple[str, ...] = ()
    replicate_scale: float = 1.0
    replicate_rscales: tuple[float, ...] = ()


class IndexTerms:
    """Flatten index definitions into terms over derived variables, naming each one once."""

    RULES = ("top2_share", "mean_score", "all_top2", "pooled_top2")  # what the scripts can write

    def __init__(self, variable_of: dict[str, str], scale_points: dict[str, int]):
        self._variable_of, self._points = variable_of, scale_points
        self.derived: dict[str, tuple] = {}
        self._names: dict[tuple, str] = {}

    def recipe(self, spec: dict, specs: dict, label: str) -> IndexRecipe:
        constant, terms = self._flatten(spec, specs, 1.0)
        return IndexRecipe(spec["id"], label, constant, tuple(terms))

    def _flatten(self, spec, specs, coef) -> tuple[float, list[Term]]:
        if spec.get("of"):
            parts = list(spec["of"])
            weights = spec.get("weights") or [1 / len(parts)] * len(parts)
            constant, terms = 0.0, []
            for ref, a in zip(parts, weights, strict=True):
                c, t = self._flatten(specs[ref], specs, coef * a)
                constant, terms = constant + c, terms + t
            return constant, terms
        items = list(spec["items"])
        reverse = set(spec.get("reverse") or ())
        cells = [(self._variable_of[i], self._points[i], i in reverse) for i in items]
        rule = spec["rule"]
        if rule == "all_top2":
            num = self._name(("all_top", tuple(cells)))
            den = self._name(("any", tuple(("answered", v) for v, _, _ in cells)))
            return 0.0, [Term(coef, num, den)]
        if rule == "pooled_top2":
            num = self._name(("sum", tuple(("top",) + c for c in cells)))
            den = self._name(("sum", tuple(("answered", v) for v, _, _ in cells)))
            return 0.0, [Term(coef, num, den)]
        weights = spec.get("weights") or [1 / len(cells)] * len(cells)
        constant, terms = 0.0, []
        for (var, k, rev), a in zip(cells, weights, strict=True):
            den = self._name(("answered", var))
            if rule == "top2_share":
                terms.append(Term(coef * a, self._name(("top", var, k, rev)), den))
            else:  # mean_score: 100 (ybar - 1)/(K - 1)
                scale = 100 / (k - 1)
                terms.append(Term(coef * a * scale, self._name(("score", var, k, rev)), den))
                constant -= coef * a * scale
        return constant, terms

    def _name(self, expression: tuple) -> str:
        if expression not in self._names:
            name = f"rb{len(self._names) + 1}"
            self._names[expression] = name
            self.derived[name] = expression
        return self._names[expression]
