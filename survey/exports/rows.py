"""Stream a wave's counted responses as DataFrames of export variables, one chunk at a time.

The compact design frame (weights, strata, PSUs, unit codes; no answers) comes from the
estimates adapter and fits in memory at a million responses. Answers are read per chunk of
response ids, in id order, and placed into a grid: memory stays bounded by the chunk size
whatever the size of the wave.
"""
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, literal_column, select

from survey.estimates.dataset import Inclusion
from survey.estimates.official import export_frame
from survey.exports.cells import holdable
from survey.exports.variables import CODED, NUMERIC, TEXT, Variable, export_variables
from survey.models import Answer, Response, Wave
from survey.startup import registry

CHUNK_SIZE = 20_000


@dataclass(frozen=True)
class ExportSource:
    wave: Wave
    variables: tuple[Variable, ...]
    design: pd.DataFrame

    @property
    def row_count(self) -> int:
        return len(self.design)


def wave_variables(wave: Wave) -> tuple[Variable, ...] | None:
    """The export variables of the wave's questionnaire version; None if it is not loaded."""
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    return export_variables(questionnaire) if questionnaire is not None else None


def open_source(session, wave: Wave, inclusion: Inclusion, official=None) -> ExportSource:
    """The rows `inclusion` asks for and the counted ones, with the official design columns."""
    variables = wave_variables(wave)
    if variables is None:
        raise LookupError(f"questionnaire {wave.questionnaire_id} v{wave.questionnaire_version} not loaded")
    return ExportSource(wave, variables, export_frame(session, wave, inclusion, official))


def is_integer(variable: Variable) -> bool:
    return variable.kind == NUMERIC and (variable.values or variable.name == "response_id")


def iter_chunks(session, source: ExportSource, chunk_size: int = CHUNK_SIZE) -> Iterator[pd.DataFrame]:
    """DataFrames with one column per variable: Int64/float64 numbers, text as str or None.

    The next chunk is read on a second connection while this one is shaped: the database works
    while Python does, which is about a third of the time of a full export.
    """
    items = [v for v in source.variables if v.item_id is not None]
    item_ids = list(dict.fromkeys(v.item_id for v in items))
    design = source.design
    starts = range(0, len(design), chunk_size)
    blocks = [design["response_id"].to_numpy(dtype=np.int64)[s:s + chunk_size] for s in starts]
    engine = session.get_bind()
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(_read, engine, blocks[0]) if blocks else None
        for k, start in enumerate(starts):
            answers, submitted = pending.result()
            if k + 1 < len(blocks):
                pending = reader.submit(_read, engine, blocks[k + 1])
            ids = blocks[k]
            texts = _answer_grid(session, answers, ids, item_ids)
            yield _frame(source.variables, design.iloc[start:start + chunk_size], ids, texts, item_ids,
                         pd.Series([submitted.get(int(i)) for i in ids], dtype=object))


# Answers travel packed, one string per response ("item<RS>value<US>item<RS>value…"): a million
# rows instead of thirty million, which is what makes a full export fit in its time budget.
RS, US = "\x1e", "\x1f"


def _read(engine, ids: np.ndarray):
    """(packed answers per response, submission time text per response) for the id range of `ids`."""
    lo, hi = int(ids[0]), int(ids[-1])
    packed = func.aggregate_strings(Answer.item_id + RS + Answer.value, US)
    answers = (select(Answer.response_id, func.count(), packed)
               .where(Answer.response_id.between(lo, hi)).group_by(Answer.response_id))
    if engine.dialect.name == "sqlite":
        stamp = func.strftime("%Y-%m-%dT%H:%M:%SZ", Response.submitted_at)
    else:
        stamp = func.to_char(func.timezone("UTC", Response.submitted_at),
                             literal_column("'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"))
    with engine.connect() as conn:
        rows = conn.execute(answers).all()
        submitted = dict(conn.execute(select(Response.id, stamp).where(Response.id.between(lo, hi))).all())
    return rows, submitted


def _answer_grid(session, rows, ids: np.ndarray, item_ids: list[str]) -> np.ndarray:
    """Text grid of shape (len(ids), len(item_ids)); None where not answered."""
    texts = np.full((len(ids), len(item_ids)), None, dtype=object)
    column_of = {item_id: k for k, item_id in enumerate(item_ids)}
    position = {int(rid): k for k, rid in enumerate(ids)}
    for response_id, count, joined in rows:
        row = position.get(response_id)
        if row is None:  # in the id range but not counted (another wave, flagged…)
            continue
        pieces = joined.split(US)
        if len(pieces) != count:  # a separator inside an answer: read this response plainly
            pieces = _plain_answers(session, response_id)
        for piece in pieces:
            item_id, _, value = piece.partition(RS)
            column = column_of.get(item_id)
            if column is not None:
                texts[row, column] = value
    return texts


def _plain_answers(session, response_id: int) -> list[str]:
    stmt = select(Answer.item_id, Answer.value).where(Answer.response_id == response_id)
    return [f"{item_id}{RS}{value}" for item_id, value in session.connection().execute(stmt)]


def _frame(variables, part, ids, texts, item_ids, submitted) -> pd.DataFrame:
    column_of = {item_id: k for k, item_id in enumerate(item_ids)}
    chosen = {}  # multiple-choice item → set of chosen codes per row (None: not asked)
    data = {}
    for variable in variables:
        if variable.item_id is None:
            source = submitted if variable.name == "submitted_at" else part[variable.name]
            values = source.to_numpy()
        elif variable.choice is not None:
            if variable.item_id not in chosen:
                chosen[variable.item_id] = [None if a is None else set(a.split(" "))
                                            for a in texts[:, column_of[variable.item_id]]]
            values = np.array([np.nan if picked is None else float(variable.choice in picked)
                               for picked in chosen[variable.item_id]])
        elif variable.text_numbers:
            values = pd.Series(texts[:, column_of[variable.item_id]]).map(variable.text_numbers).to_numpy()
        elif variable.kind == NUMERIC:
            values = pd.to_numeric(texts[:, column_of[variable.item_id]], errors="coerce")
        else:
            values = texts[:, column_of[variable.item_id]]
        data[variable.name] = _typed(variable, values)
    return pd.DataFrame(data, index=pd.RangeIndex(len(ids)))


def _typed(variable: Variable, values) -> pd.Series:
    if variable.kind == NUMERIC:
        numbers = np.asarray(values, dtype=float)
        if not is_integer(variable):
            return pd.Series(numbers)
        missing = np.isnan(numbers)
        return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, numbers).astype(np.int64), missing))
    series = pd.Series(values, dtype=object)
    if variable.kind in (TEXT, CODED):
        series = series.map(holdable, na_action="ignore")
        series = series.where(series.notna() & (series != ""), None)
    return series
