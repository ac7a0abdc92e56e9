"""Write export chunks as CSV, XLSX, SPSS, Stata or Parquet, never holding more than a chunk in memory
(except SPSS and Stata, see `write_labelled`).

CSV is UTF-8 with a byte-order mark: Excel, which most offices in Lai Châu open CSV files with,
reads a file without it as Windows-1258 and garbles every diacritic; R (readr), pandas and Stata
skip the mark. Scripts can ask for the file without it.
"""
import csv
import io
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pyreadstat
from openpyxl import Workbook

from survey.exports.cells import spreadsheet_cell, spreadsheet_frame
from survey.exports.variables import CODED, NUMERIC, Variable

BOM = "\ufeff"
STATA_LABEL_CHARS = 80
SPSS_LABEL_BYTES = 255
STATA_VERSION = 14  # writes format 118: UTF-8, read by Stata 14 and later
Progress = Callable[[int], None]


def csv_stream(variables, chunks: Iterable[pd.DataFrame], bom: bool = True) -> Iterator[bytes]:
    """The CSV file as byte pieces: header first, then one piece per chunk (Arrow's C++ writer)."""
    yield ((BOM if bom else "") + _csv_line([v.name for v in variables])).encode()
    schema = arrow_schema(variables)
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for chunk in chunks:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(pa.Table.from_pandas(spreadsheet_frame(chunk), schema=schema,
                                             preserve_index=False), sink, options)
        yield sink.getvalue().to_pybytes()


def _csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def write_parquet(path, variables: tuple[Variable, ...], chunks, progress: Progress) -> None:
    """One row group per chunk; labels travel in the schema metadata of each field."""
    schema = arrow_schema(variables)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for chunk in chunks:
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
            progress(len(chunk))


def arrow_schema(variables) -> pa.Schema:
    return pa.schema([pa.field(v.name, _arrow_type(v), metadata={
        "label_vi": v.label_in("vi"), "label_en": v.label_in("en")}) for v in variables])


def _arrow_type(variable: Variable):
    from survey.exports.rows import is_integer

    if variable.kind == NUMERIC:
        return pa.int64() if is_integer(variable) else pa.float64()
    return pa.string()


def write_xlsx(path, variables, chunks, progress: Progress, codebook: pd.DataFrame,
               results: list[tuple[str, pd.DataFrame]]) -> None:
    """Sheets: data (Vietnamese labels in row 1, names in row 2), codebook, then results tables."""
    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    data.append([v.label_in("vi") for v in variables])
    data.append([v.name for v in variables])
    for chunk in chunks:
        for row in chunk.itertuples(index=False, name=None):
            data.append([None if value is pd.NA or value is None or value != value
                         else spreadsheet_cell(value) for value in row])
        progress(len(chunk))
    _append_frame(book.create_sheet("codebook"), codebook)
    for title, frame in results:
        _append_frame(book.create_sheet(title[:31]), frame)
    book.save(path)


def write_tables(target, tables: list[tuple[str, pd.DataFrame]]) -> None:
    """A workbook of small tables, one sheet each (results, codebook)."""
    book = Workbook(write_only=True)
    for title, frame in tables:
        _append_frame(book.create_sheet(title[:31]), frame)
    book.save(target)


def _append_frame(sheet, frame: pd.DataFrame) -> None:
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        sheet.append([None if _missing(value) else spreadsheet_cell(_plain(value)) for value in row])


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def write_labelled(path, fmt: str, variables, chunks, progress: Progress) -> None:
    """SPSS .sav or Stata .dta with Vietnamese variable and value labels.

    pyreadstat writes a whole DataFrame, so chunks are gathered first, in their most compact
    form (numbers as float64, codes as numbers); at a million responses this is the one export
    that holds the data in memory, in its own worker process, never in a web worker.
    """
    parts = []
    for chunk in chunks:
        parts.append(_labelled_frame(variables, chunk))
        progress(len(chunk))
    frame = pd.concat(parts, ignore_index=True) if parts else _labelled_frame(variables, None)
    labels = {v.name: _fit_label(v.label_in("vi"), fmt) for v in variables}
    value_labels = {v.name: {k: _fit_label(text, fmt) for k, text in v.value_labels("vi").items()}
                    for v in variables if v.values}
    if fmt == "sav":
        pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels=value_labels)
    else:
        pyreadstat.write_dta(frame, path, version=STATA_VERSION, column_labels=labels,
                             variable_value_labels=value_labels)


def _labelled_frame(variables, chunk: pd.DataFrame | None) -> pd.DataFrame:
    data = {}
    for v in variables:
        column = chunk[v.name] if chunk is not None else pd.Series([], dtype=object)
        if v.kind == NUMERIC:
            data[v.name] = column.astype("float64")
        elif v.kind == CODED:
            numbers = {code: float(number) for code, (number, _) in v.values.items()}
            data[v.name] = column.map(numbers).astype("float64")
        else:
            data[v.name] = column.fillna("").astype(str)
    return pd.DataFrame(data)


def _fit_label(text: str, fmt: str) -> str:
    """Shorten a label to the format's limit, at a character boundary, marking the cut."""
    if fmt == "dta":
        return text if len(text) <= STATA_LABEL_CHARS else text[:STATA_LABEL_CHARS - 1] + "…"
    if len(text.encode()) <= SPSS_LABEL_BYTES:
        return text
    while len((text + "…").encode()) > SPSS_LABEL_BYTES:
        text = text[:-1]
    return text + "…"
