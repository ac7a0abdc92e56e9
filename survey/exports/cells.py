"""Text that every export format can hold, and that no spreadsheet runs as a formula.

Old rows may hold characters some formats refuse (XLSX, being XML, has no place for most C0
control characters: one such comment made every XLSX export of its wave fail), so every format
gets text without them; new input is refused at storage. Spreadsheets (CSV, XLSX) also get
OWASP's CSV-injection rule: a cell starting with = + - @, a tab or a carriage return is
prefixed with a single quote, so "=HYPERLINK(…)" is shown as typed and never run. Statistical
formats (SPSS, Stata, Parquet) keep such text as it is: they have no formulas.
"""
import re

import pandas as pd

# C0 controls but tab, line feed and carriage return; DEL; lone surrogates; the two noncharacters
# XML forbids.
UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def holdable(text: str) -> str:
    """The text without characters an export format cannot hold."""
    return UNHOLDABLE.sub("", text)


def spreadsheet_text(text: str) -> str:
    """Holdable text that a spreadsheet shows as typed instead of running it."""
    text = holdable(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_cell(value):
    return spreadsheet_text(value) if isinstance(value, str) else value


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are safe to open in a spreadsheet."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name].dtype):
            out[name] = out[name].map(spreadsheet_cell, na_action="ignore")
    return out
