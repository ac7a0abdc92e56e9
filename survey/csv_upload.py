"""Read an uploaded CSV file the one way the platform does: UTF-8, a known header, line numbers.

Cells are stripped and NFC-normalised; blank lines are skipped; every problem names its line.
A cell with a control character, or longer than its column allows, is a problem of its line.
"""
import csv
import io
import unicodedata
from dataclasses import dataclass

from survey.i18n_lazy import _l
from survey.input_checks import text_problem
from survey.problems import Problem, register

register({
    "csv.not_utf8": _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
    "csv.unknown_header": _l("The first line must be the column names: %(columns)s."),
    "csv.field_count": _l("This line has the wrong number of columns."),
    "csv.malformed": _l("This line is not valid CSV."),
    "csv.empty": _l("The file is empty."),
    "csv.control_character": _l("A cell of this line contains a control character (such as NUL)."),
    "csv.too_long": _l("A cell of this line is longer than its column allows."),
})


@dataclass(frozen=True)
class CsvTable:
    kind: str
    rows: tuple[dict, ...]   # each row a dict of the header's columns plus "_line"


def read_table(data: bytes, kinds: dict[tuple[str, ...], str],
               max_lengths: dict[str, int] | None = None) -> tuple[CsvTable | None, list[Problem]]:
    """Parse `data`, naming the table by its header among `kinds` (header → kind).

    `max_lengths` gives the longest value a column may hold (the database column's length).
    """
    max_lengths = max_lengths or {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem("csv.not_utf8", line=1)]
    reader = csv.reader(io.StringIO(text))
    try:
        header = tuple(h.strip() for h in next(reader))
    except StopIteration:
        return None, [Problem("csv.empty", line=1)]
    except csv.Error as exc:
        return None, [Problem("csv.malformed", line=1, detail=str(exc))]
    kind = kinds.get(header)
    if kind is None:
        return None, [Problem("csv.unknown_header", line=1, detail=",".join(header))]
    rows, problems = [], []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(Problem("csv.field_count", line=reader.line_num,
                                        detail=f"{len(record)} fields, expected {len(header)}"))
                continue
            row = {k: unicodedata.normalize("NFC", v.strip()) for k, v in zip(header, record, strict=True)}
            problem = _cell_problem(row, max_lengths)
            if problem:
                code, column = problem
                problems.append(Problem(code, line=reader.line_num, detail=column))
                continue
            row["_line"] = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        problems.append(Problem("csv.malformed", line=reader.line_num, detail=str(exc)))
    return CsvTable(kind, tuple(rows)), problems


def _cell_problem(row: dict, max_lengths: dict[str, int]) -> tuple[str, str] | None:
    """(code, column) of the first cell that cannot be stored, or None."""
    for column, value in row.items():
        problem = text_problem(value, max_lengths.get(column))
        if problem:
            return "csv." + problem.removeprefix("text."), column
    return None
