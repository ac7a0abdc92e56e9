"""codebook.md of the rebuild kit: the design, calibration margins, replicate weights, indices.

Written for statisticians in both languages of the platform (Vietnamese first), like the
variable labels of the export; the numbers are those the scripts use, to full precision.
"""
from survey.exports.syntax import RESULT_FILES

METHOD_TEXT = {
    "none": ("Không hiệu chỉnh: quyền số cuối cùng là quyền số thiết kế.",
             "No calibration: the final weight is the base weight."),
    "poststratify": ("Hậu phân tầng theo biên dưới đây.", "Post-stratification to the margin below."),
    "rake": ("Hiệu chỉnh lặp (raking) theo các biên dưới đây, đến khi thay đổi < 1e-12 tổng "
             "quyền số (tối đa 100 vòng).",
             "Raking to the margins below until the weighted table moves by less than 1e-12 of "
             "the weights' total (at most 100 sweeps)."),
    "fixed": ("Quyền số đã được cắt tỉa sau hiệu chỉnh: phương sai coi quyền số cuối cùng là "
              "cố định.",
              "Weights were trimmed after calibration: the variance takes the final weights as "
              "fixed."),
}


def codebook_text(wave, official, recipe, replicates) -> str:
    settings = official.settings
    lines = [
        f"# {wave.code} · {wave.name}",
        "",
        "## Thiết kế mẫu / Design",
        "",
        f"- Tầng / strata: `{recipe.strata or '-'}` (stratify by {settings.stratify_by})",
        f"- PSU: `{recipe.psu or '-'}` (PSU kind {settings.psu}; nested in strata)",
        f"- FPC: `{recipe.fpc or '-'}` (population of the stratum; blank = with replacement)",
        "- Quyền số thiết kế / base weight: `base_weight` = N_h / n_h (frame size over counted "
        "responses of the stratum; 1 without a frame)",
        f"- Quyền số cuối cùng / final weight: `weight`; the design starts from `{recipe.weight}`",
        f"- PSU đơn lẻ / lonely PSU: R `options(survey.lonely.psu = \"{recipe.lonely_psu}\")`, "
        "Stata `singleunit(centered)`",
        f"- Được tính / counted: `counted = 1` ({len(official.frame)} responses); rows with "
        "`counted = 0` were added by the export's inclusion choice and carry weight 0.",
        "",
        "## Hiệu chỉnh / Calibration",
        "",
        *METHOD_TEXT.get(recipe.method, ("", "")),
    ]
    for column, (source, totals) in recipe.calibration.items():
        lines += ["", f"### `{column}` (from `{source}`; \"\" = not answered)", "",
                  "| category | population total |", "|---|---|"]
        lines += [f"| {cat or '(empty)'} | {value!r} |" for cat, value in totals.items()]
    lines += ["", "## Quyền số lặp / Replicate weights", ""]
    if replicates is None:
        lines.append("None (no response counts).")
    else:
        lines.append(
            f"`rep_1` … `rep_{replicates.count}`: {replicates.kind}, each replicate calibrated "
            f"again like the full sample. V = {replicates.scale!r} × Σ_r rscale_r (θ_r − θ̄)², "
            "θ̄ the mean of the replicates (R `mse = FALSE`); the rscales are in rebuild.R.")
    lines += ["", "## Chỉ số / Index definitions", "",
              "Each index = constant + Σ c_k · (Σ w N_k)/(Σ w D_k) over the derived variables "
              "below (R: `svycontrast` of `svytotal`; Stata: `nlcom` of `svy: total`).", ""]
    for index in recipe.indices:
        parts = " + ".join(f"{t.coef!r}·{t.num}/{t.den}" for t in index.terms)
        lines.append(f"- `{index.id}` ({index.label}): {index.constant!r} + {parts}")
    lines += ["", "Derived variables:", ""]
    lines += [f"- `{name}` = {_describe(node)}" for name, node in recipe.derived.items()]
    lines += ["", "## Tệp / Files", "",
              "- `data.csv`: UTF-8 without BOM; variables in `variables.csv`",
              "- `rebuild.R` (reference; reproduces the published table to 1e-8), `rebuild.do`, "
              "`rebuild.sps`",
              f"- `published_overall.csv`, `published_district.csv`: what `{RESULT_FILES[0]}` and "
              f"`{RESULT_FILES[1]}` should match"]
    return "\n".join(lines) + "\n"


def _describe(node) -> str:
    kind = node[0]
    if kind == "answered":
        return f"1 if `{node[1]}` is answered"
    if kind == "top":
        _, var, k, rev = node
        return f"1 if `{var}` ≤ 2 (reverse-coded)" if rev else f"1 if `{var}` ≥ {k - 1}"
    if kind == "score":
        _, var, k, rev = node
        return f"{k + 1} − `{var}` (0 if not answered)" if rev else f"`{var}` (0 if not answered)"
    if kind == "any":
        return "1 if any of " + ", ".join(f"`{p[1]}`" for p in node[1]) + " is answered"
    if kind == "sum":
        return " + ".join(f"[{_describe(p)}]" for p in node[1])
    return ("1 if at least one of " + ", ".join(f"`{v}`" for v, _, _ in node[1])
            + " is answered and every answered one is in the top two")
