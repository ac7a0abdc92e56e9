"""The rebuild kit: a ZIP from which R, Stata or SPSS rebuild the design and the published table.

Files: data.csv (every export variable, the counted flag, base and final weights, frame sizes
and the replicate weights rep_1…), rebuild.R / rebuild.do / rebuild.sps, codebook.md (design,
calibration margins, replicate weights, index definitions), variables.csv (names, labels,
codes), and the published overall and per-district tables the scripts should reproduce.
"""
import io
import zipfile

import numpy as np
import pandas as pd

from survey.estimates.dataset import Inclusion
from survey.estimates.official import official_design, replicate_weights
from survey.estimates.results import indicators, scale_points
from survey.estimates.weights import LONELY_PSU
from survey.exports import rows, syntax, tables, writers
from survey.exports.rebuild_codebook import codebook_text
from survey.exports.recipe import IndexTerms, Recipe
from survey.exports.variables import CODED, NUMERIC, TEXT, Variable

PUBLISHED = (("published_overall.csv", None), ("published_district.csv", "district"))
DOMAIN = "district_code"


def write_kit(session, wave, inclusion: Inclusion, path, progress, total=lambda n: None) -> int:
    """Write the wave's rebuild kit to `path`; return the number of data rows."""
    official = official_design(session, wave)
    source = rows.open_source(session, wave, inclusion, official)
    total(source.row_count)
    replicates = replicate_weights(official)
    rep_variables = _replicate_variables(replicates)
    variables = source.variables + rep_variables
    recipe = build_recipe(wave, official, variables, replicates)
    chunks = _with_replicates(rows.iter_chunks(session, source), official, replicates,
                              rep_variables, progress)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as kit:
        with kit.open("data.csv", "w", force_zip64=True) as handle:
            for piece in writers.csv_stream(variables, chunks, bom=False):
                handle.write(piece)
        kit.writestr("rebuild.R", syntax.r_script(recipe))
        kit.writestr("rebuild.do", syntax.stata_do(recipe))
        kit.writestr("rebuild.sps", syntax.spss_syntax(recipe))
        kit.writestr("codebook.md", codebook_text(wave, official, recipe, replicates))
        kit.writestr("variables.csv", _csv(tables.codebook_frame(variables)))
        rebuilt = {index.id for index in recipe.indices}
        for name, by in PUBLISHED:
            published = tables.results_frame(session, wave, by, Inclusion())
            kit.writestr(name, _csv(published[published["indicator"].isin(rebuilt)]))
    return source.row_count


def build_recipe(wave, official, variables, replicates) -> Recipe:
    """Design, calibration and index terms of the wave in the export's own column names."""
    variable_of = {v.item_id: v.name for v in variables if v.item_id and v.choice is None}
    # The scripts write each index as ratios of weighted totals; a respondent's own mean against
    # a threshold (own_mean_top2, an alternative definition) is not written yet.
    found = [i for i in indicators(wave) if i.spec.get("rule") in IndexTerms.RULES or i.spec.get("of")]
    specs = {i.id: i.spec for i in found}
    terms = IndexTerms(variable_of, scale_points(wave))
    recipes = tuple(terms.recipe(i.spec, specs, i.label) for i in found)
    strata, psu, fpc = official.design_columns
    calibration = {column: (variable_of.get(column.removesuffix("__cal"), column), totals)
                   for column, totals in official.targets.items()}
    return Recipe(
        wave_code=wave.code, strata=strata, psu=psu, fpc=fpc,
        weight="weight" if official.method == "fixed" else "base_weight",
        method=official.method, calibration=calibration, lonely_psu=LONELY_PSU,
        text_columns=tuple(v.name for v in variables if v.kind in (TEXT, CODED)),
        columns=tuple(v.name for v in variables), domain=DOMAIN, derived=terms.derived,
        indices=recipes,
        replicate_kind=replicates.kind if replicates else None,
        replicate_columns=tuple(v.name for v in _replicate_variables(replicates)),
        replicate_scale=replicates.scale if replicates else 1.0,
        replicate_rscales=tuple(float(r) for r in replicates.rscales) if replicates else ())


def _replicate_variables(replicates) -> tuple[Variable, ...]:
    if replicates is None:
        return ()
    return tuple(Variable(f"rep_{r}", {"vi": f"Quyền số lặp {r}", "en": f"Replicate weight {r}"},
                          NUMERIC) for r in range(1, replicates.count + 1))


def _with_replicates(chunks, official, replicates, rep_variables, progress):
    """Each chunk with its replicate weights (0 for the rows the official estimate leaves out)."""
    position = pd.Series(np.arange(len(official.frame)), index=official.frame["response_id"])
    for chunk in chunks:
        if rep_variables:
            at = chunk["response_id"].astype("int64").map(position)
            counted = at.notna().to_numpy()
            block = np.zeros((len(chunk), replicates.count))
            block[counted] = replicates.weights[at[counted].astype(int).to_numpy()]
            extra = pd.DataFrame(block, columns=[v.name for v in rep_variables], index=chunk.index)
            chunk = pd.concat([chunk, extra], axis=1)
        progress(len(chunk))
        yield chunk


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
