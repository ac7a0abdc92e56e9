"""The small tables that go with an export: the codebook and the results tables of a wave."""
import pandas as pd

from survey.estimates.dataset import Inclusion
from survey.estimates.results import wave_results
from survey.exports.variables import CODED, Variable

CODEBOOK_COLUMNS = ["name", "label_vi", "label_en", "type", "item_id", "choice", "section", "condition",
                    "values_vi", "values_en"]
# The breakdowns written beside the data in an XLSX export (sheet title → `by`).
RESULT_SHEETS = (("results", None), ("results_district", "district"), ("results_commune", "commune"))
# The breakdowns a results download accepts (demographic items are left to the results pages).
RESULT_BREAKDOWNS = (None, "district", "commune", "service_point", "service_kind")


def codebook_frame(variables: tuple[Variable, ...]) -> pd.DataFrame:
    """One row per variable; values as `code = label` (`code (number) = label` for text codes)."""
    rows = []
    for v in variables:
        rows.append([v.name, v.label_in("vi"), v.label_in("en"), v.kind, v.item_id or "", v.choice or "",
                     v.section, v.condition, _values(v, "vi"), _values(v, "en")])
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)


def _values(variable: Variable, lang: str) -> str:
    if variable.kind == CODED:
        return "; ".join(f"{code} ({number}) = {text.get(lang) or text['vi']}"
                         for code, (number, text) in variable.values.items())
    return "; ".join(f"{number} = {text.get(lang) or text['vi']}" for number, text in variable.values.items())


def results_frame(session, wave, by: str | None, inclusion: Inclusion, lang: str = "vi") -> pd.DataFrame:
    """The wave's results table as computed by the estimates adapter (no statistics here)."""
    table = wave_results(session, wave, by, inclusion, lang)
    return table.to_frame()
