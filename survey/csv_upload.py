"""Read an uploaded CSV file the one way the platform does: UTF-8, a known header, line numbers.

Cells are stripped and NFC-normalised; blank lines are skipped; every problem names its line.
"""
import csv
import io
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class CsvProblem:
    line: int
    code: str
    detail: str = ""


@dataclass(frozen=True)
class CsvTable:
    kind: str
    rows: tuple[dict, ...]   # each row a dict of the header's columns plus "_line"


def read_table(data: bytes, kinds: dict[tuple[str, ...], str]) -> tuple[CsvTable | None, list[CsvProblem]]:
    """Parse `data`, naming the table by its header among `kinds` (header → kind)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [CsvProblem(1, "csv.not_utf8")]
    reader = csv.reader(io.StringIO(text))
    try:
        header = tuple(h.strip() for h in next(reader))
    except StopIteration:
        return None, [CsvProblem(1, "csv.empty")]
    except csv.Error as exc:
        return None, [CsvProblem(1, "csv.malformed", str(exc))]
    kind = kinds.get(header)
    if kind is None:
        return None, [CsvProblem(1, "csv.unknown_header", ",".join(header))]
    rows, problems = [], []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(CsvProblem(reader.line_num, "csv.field_count",
                                           f"{len(record)} fields, expected {len(header)}"))
                continue
            row = {k: unicodedata.normalize("NFC", v.strip()) for k, v in zip(header, record, strict=True)}
            row["_line"] = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        problems.append(CsvProblem(reader.line_num, "csv.malformed", str(exc)))
    return CsvTable(kind, tuple(rows)), problems
