"""The R (`survey`), Stata (`svyset`) and SPSS (CSPLAN) files of the rebuild kit, from a `Recipe`.

The R script is the reference: CI runs it on the exported files and compares with the published
table to 1e-8 (tests/survey/test_rebuild_kit.py). Stata and SPSS files follow the same steps
with what those programs offer; where they cannot (SPSS has no calibration and no nonlinear
contrasts), the file says so at the top.
"""
from survey.exports.recipe import Recipe

RESULT_FILES = ("rebuilt_overall.csv", "rebuilt_district.csv")


def _num(value: float) -> str:
    """A number as text that reads back to the same double."""
    return repr(float(value))


def _r_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


# How each language writes the derived variables of `recipe` ({v}: variable, {x}: operand).
DIALECTS = {
    "R": {"answered": "!is.na(dat${v})", "var": "dat${v}", "score": "ifelse(is.na(dat${v}), 0, {x})",
          "or": " | ", "and": " & ", "not": "!", "number": "as.numeric({x})"},
    "Stata": {"answered": "!missing({v})", "var": "{v}", "score": "cond(missing({v}), 0, {x})",
              "or": " | ", "and": " & ", "not": "!", "number": "({x})"},
    "SPSS": {"answered": "(NOT MISSING({v}))", "var": "{v}", "score": "SUM({x}, 0)",
             "or": " OR ", "and": " AND ", "not": "NOT ", "number": "{x}"},
}


def _expr(node, lang: str) -> str:
    """A derived variable (see recipe) as an expression of `lang`."""
    d = DIALECTS[lang]
    kind = node[0]
    if kind == "answered":
        return d["answered"].format(v=node[1])
    if kind in ("top", "score"):
        _, var, k, rev = node
        value = d["var"].format(v=var)
        value = f"({k + 1} - {value})" if rev else value
        if kind == "score":
            return d["score"].format(v=var, x=value)
        return f"({d['answered'].format(v=var)}{d['and']}{value} >= {k - 1})"
    if kind == "any":
        return "(" + d["or"].join(_expr(p, lang) for p in node[1]) + ")"
    if kind == "sum":
        return " + ".join(d["number"].format(x=_expr(p, lang)) for p in node[1])
    cells = node[1]  # all_top: something answered and no answered item outside the top two
    used = d["or"].join(_expr(("answered", v), lang) for v, _, _ in cells)
    missed = d["or"].join(
        f"({_expr(('answered', v), lang)}{d['and']}{d['not']}{_expr(('top', v, k, r), lang)})"
        for v, k, r in cells)
    return f"({used}){d['and']}{d['not']}({missed})"


# --- R ----------------------------------------------------------------------------------------

def _r_contrast(index) -> str:
    parts = [_num(index.constant)] + [f"{_num(t.coef)} * {t.num} / {t.den}" for t in index.terms]
    return " + ".join(parts)


def r_script(recipe: Recipe) -> str:
    """An R script that rebuilds the design and writes the overall and per-district table."""
    lines = [
        f"## Rebuilds the published results of wave {recipe.wave_code} from data.csv with R's survey",
        "## package (tested with R 4.2, survey 4.1.1). Run from this folder: Rscript rebuild.R",
        "## Writes rebuilt_overall.csv and rebuilt_district.csv (estimate and linearised SE), and",
        "## the replicate-weight SEs beside them when the kit has replicate weights.",
        "suppressMessages(library(survey))",
        f"options(survey.lonely.psu = {_r_string(recipe.lonely_psu)})",
        "text_columns <- c(" + ", ".join(_r_string(c) for c in recipe.text_columns) + ")",
        "dat <- read.csv(\"data.csv\", na.strings = \"\", encoding = \"UTF-8\",",
        "                colClasses = setNames(rep(\"character\", length(text_columns)), text_columns))",
        "## Rows added by the export (flagged, unverified) do not count in the official estimate.",
        "dat <- dat[dat$counted == 1, ]",
        f"dat${recipe.domain}[is.na(dat${recipe.domain})] <- \"\"",
        "## Index variables: numerators and denominators of each ratio (see codebook.md).",
    ]
    lines += [f"dat${name} <- as.numeric({_expr(node, 'R')})" for name, node in recipe.derived.items()]
    for column, (source, _) in recipe.calibration.items():
        lines.append(f"dat${column} <- ifelse(is.na(dat${source}), \"\", as.character(dat${source}))")
    ids = f"~{recipe.psu}" if recipe.psu else "~1"
    args = [f"ids = {ids}", f"weights = ~{recipe.weight}", "data = dat"]
    if recipe.strata:
        args.insert(1, f"strata = ~{recipe.strata}")
        args.append("nest = TRUE")
    if recipe.fpc:
        args.insert(-1, f"fpc = ~{recipe.fpc}")
    lines.append(f"des <- svydesign({', '.join(args)})")
    lines += _r_calibration(recipe)
    total = "~" + " + ".join(recipe.derived) if recipe.derived else "~1"
    lines += [
        "estimate <- function(design) {",
        f"  totals <- svytotal({total}, design)",
        "  rows <- list()",
    ]
    for index in recipe.indices:
        lines.append(f"  rows[[{_r_string(index.id)}]] <- svycontrast(totals, quote({_r_contrast(index)}))")
    lines += [
        "  data.frame(indicator = names(rows), estimate = sapply(rows, coef),",
        "             se = sapply(rows, SE), row.names = NULL)",
        "}",
        "by_domain <- function(design) {",
        f"  groups <- sort(unique(design$variables${recipe.domain}))",
        "  do.call(rbind, lapply(groups, function(g) cbind(domain = g, estimate(",
        f"    subset(design, {recipe.domain} == g)))))",
        "}",
        "overall <- estimate(des)",
        "district <- by_domain(des)",
    ]
    lines += _r_replicates(recipe)
    lines += [
        f"write.csv(overall, {_r_string(RESULT_FILES[0])}, row.names = FALSE)",
        f"write.csv(district, {_r_string(RESULT_FILES[1])}, row.names = FALSE)",
        "print(overall)",
    ]
    return "\n".join(lines) + "\n"


def _r_calibration(recipe: Recipe) -> list[str]:
    if recipe.method == "fixed":
        return ["## The final weights were trimmed after calibration: the published variance takes",
                "## them as fixed weights, so the design uses them as they are."]
    if recipe.method not in ("poststratify", "rake"):
        return []
    lines, formulas, tables = [], [], []
    for k, (column, (_, totals)) in enumerate(recipe.calibration.items(), start=1):
        cats = ", ".join(_r_string(c) for c in totals)
        freq = ", ".join(_num(v) for v in totals.values())
        lines.append(f"pop{k} <- data.frame({column} = c({cats}), Freq = c({freq}))")
        formulas.append(f"~{column}")
        tables.append(f"pop{k}")
    if recipe.method == "poststratify":
        lines.append(f"des <- postStratify(des, {formulas[0]}, {tables[0]})")
    else:
        lines.append(f"des <- rake(des, list({', '.join(formulas)}), list({', '.join(tables)}),")
        lines.append("            control = list(maxit = 100, epsilon = 1e-12))")
    return lines


def _r_replicates(recipe: Recipe) -> list[str]:
    if not recipe.replicate_columns:
        return []
    kind = "JKn" if recipe.replicate_kind == "JKn" else "bootstrap"
    rscales = ", ".join(_num(v) for v in recipe.replicate_rscales)
    return [
        "## Replicate weights (already calibrated): the same table with replicate SEs.",
        "rep <- svrepdesign(data = dat, weights = ~weight, repweights = \"^rep_[0-9]+$\",",
        f"                  type = {_r_string(kind)}, scale = {_num(recipe.replicate_scale)},",
        f"                  rscales = c({rscales}), combined.weights = TRUE, mse = FALSE)",
        "overall$se_replicate <- estimate(rep)$se",
        "district$se_replicate <- by_domain(rep)$se",
    ]


# --- Stata ------------------------------------------------------------------------------------

def stata_do(recipe: Recipe) -> str:
    """A Stata do-file: svyset, calibration through the replicate weights, svy: total + nlcom."""
    text = [recipe.columns.index(c) + 1 for c in recipe.text_columns]
    lines = [
        f"* Rebuilds the published results of wave {recipe.wave_code} from data.csv (Stata 14+).",
        "* Point estimates are exact; SEs are linearised (uncalibrated designs) or from the",
        "* replicate weights, which were calibrated like the full sample (calibrated designs).",
        "import delimited using \"data.csv\", varnames(1) encoding(\"utf-8\") case(preserve) ///",
        f"    stringcols({' '.join(map(str, text))}) clear",
        "keep if counted == 1",
        f"replace {recipe.domain} = \"\" if missing({recipe.domain})",
    ]
    lines += [f"generate double {name} = {_expr(node, 'Stata')}" for name, node in recipe.derived.items()]
    if recipe.method in ("poststratify", "rake") and recipe.replicate_columns:
        multipliers = " ".join(_num(recipe.replicate_scale * r) for r in recipe.replicate_rscales)
        lines.append(f"svyset [pweight=weight], jkrweight(rep_*, multiplier({multipliers})) ///")
        lines.append("    vce(jackknife)")
    else:
        psu = recipe.psu or "_n"
        options = [f"strata({recipe.strata})"] if recipe.strata else []
        if recipe.fpc:
            options.append(f"fpc({recipe.fpc})")
        options.append("singleunit(centered)")
        lines.append(f"svyset {psu} [pweight={recipe.weight}], {' '.join(options)}")
    totals = " ".join(recipe.derived)
    lines += ["svy: total " + totals]
    lines += [f"nlcom ({index.id.replace(':', '_')[:32]}: {_stata_contrast(index)})"
              for index in recipe.indices]
    lines += [f"levelsof {recipe.domain}, local(groups)",
              "foreach g of local groups {",
              f"    svy, subpop(if {recipe.domain} == \"`g'\"): total {totals}"]
    lines += [f"    nlcom ({index.id.replace(':', '_')[:32]}: {_stata_contrast(index)})"
              for index in recipe.indices]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _stata_contrast(index) -> str:
    parts = [_num(index.constant)]
    parts += [f"{_num(t.coef)} * _b[{t.num}] / _b[{t.den}]" for t in index.terms]
    return " + ".join(parts)


# --- SPSS -------------------------------------------------------------------------------------

def spss_syntax(recipe: Recipe) -> str:
    """SPSS Complex Samples syntax: the plan (CSPLAN) and the item ratios per district."""
    formats = " ".join(f"{c} {'A255' if c in recipe.text_columns else 'F24.12'}"
                       for c in recipe.columns)
    lines = [
        f"* Rebuilds the design of wave {recipe.wave_code} from data.csv in SPSS Complex Samples.",
        "* SPSS has no calibration and no nonlinear contrasts: the plan uses the final weights",
        "* (SEs ignore calibration), and it estimates each ratio N/D of codebook.md; an index is",
        "* the constant plus the weighted sum of its ratios listed there.",
        "GET DATA /TYPE=TXT /FILE='data.csv' /ENCODING='UTF8' /DELIMITERS=','",
        "  /QUALIFIER='\"' /ARRANGEMENT=DELIMITED /FIRSTCASE=2",
        f"  /VARIABLES={formats}.",
        "SELECT IF (counted = 1).",
    ]
    lines += [f"COMPUTE {name} = {_expr(node, 'SPSS')}." for name, node in recipe.derived.items()]
    lines.append("EXECUTE.")
    design = []
    if recipe.strata:
        design.append(f"STRATA={recipe.strata}")
    if recipe.psu:
        design.append(f"CLUSTER={recipe.psu}")
    estimator = "EQUAL_WOR" if recipe.fpc else "WR"
    lines += [
        "CSPLAN ANALYSIS /PLAN FILE='rebuild.csaplan'",
        "  /PLANVARS ANALYSISWEIGHT=weight",
        f"  /DESIGN {' '.join(design)}",
        f"  /ESTIMATOR TYPE={estimator}" + (f"\n  /POPSIZE VARIABLE={recipe.fpc}" if recipe.fpc else "")
        + ".",
    ]
    pairs = sorted({(t.num, t.den) for index in recipe.indices for t in index.terms})
    ratios = "\n".join(f"  /RATIO NUMERATOR={n} DENOMINATOR={d}" for n, d in pairs)
    lines += ["CSDESCRIPTIVES /PLAN FILE='rebuild.csaplan'", ratios,
              "  /STATISTICS SE CIN(95)", "  /MISSING SCOPE=ANALYSIS.",
              "CSDESCRIPTIVES /PLAN FILE='rebuild.csaplan'", ratios,
              f"  /SUBPOP TABLE={recipe.domain}", "  /STATISTICS SE CIN(95)",
              "  /MISSING SCOPE=ANALYSIS."]
    return "\n".join(lines) + "\n"
