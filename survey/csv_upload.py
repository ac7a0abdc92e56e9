"""Read an uploaded CSV file the one way the platform does: UTF-8, a known header, line numbers.

Cells are stripped and NFC-normalised; blank lines are skipped; every problem names its line.
"""
import csv
import io
import unicodedata
from dataclasses import dataclass

from survey.i18n_lazy import _l
from survey.problems import Problem, register

register({
    "csv.not_utf8": _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
    "csv.unknown_header": _l("The first line must be the column names: %(columns)s."),
    "csv.field_count": _l("This line has the wrong number of columns."),
    "csv.malformed": _l("This line is not valid CSV."),
    "csv.empty": _l("The file is empty."),
})


@dataclass(frozen=True)
class CsvTable:
    kind: str
    rows: tuple[dict, ...]   # each row a dict of the header's columns plus "_line"


def read_table(data: bytes, kinds: dict[tuple[str, ...], str]) -> tuple[CsvTable | None, list[Problem]]:
    """Parse `data`, naming the table by its header among `kinds` (header → kind)."""
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
            row["_line"] = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        problems.append(Problem("csv.malformed", line=reader.line_num, detail=str(exc)))
    return CsvTable(kind, tuple(rows)), problems
