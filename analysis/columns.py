"""Turn DataFrame columns into the arrays the estimators use: numbers with NaN, and domain codes."""
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError


def column(data: pd.DataFrame, name: str) -> pd.Series:
    """Return one column, or fail with `column.unknown`."""
    if name not in data.columns:
        raise AnalysisError("column.unknown", column=name)
    return data[name]


def numeric(data: pd.DataFrame, name: str, code: str = "variable.non_numeric") -> np.ndarray:
    """Return a column as float64; None, NaN and blank strings become NaN (item non-response).

    Text columns are accepted when every non-blank entry parses as a number, so a CSV column
    that pandas kept as text because of stray blanks still works.
    """
    col = column(data, name)
    if pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(col.dtype, pd.CategoricalDtype):
        raise AnalysisError(code, column=name)
    text = col.astype("object")
    blank = text.isna() | text.map(lambda v: isinstance(v, str) and not v.strip())
    parsed = pd.to_numeric(text.where(~blank, None), errors="coerce")
    if bool((parsed.isna() & ~blank).any()):
        raise AnalysisError(code, column=name)
    return parsed.to_numpy(dtype=float, na_value=np.nan)


def as_names(by: str | Sequence[str] | None) -> list[str]:
    """Normalise a `by` argument to a list of column names."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def domain_codes(data: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Code each row by its domain (-1 when a `by` value is missing); domains sorted by value.

    Returns the codes and a frame with one row per domain holding the `by` values. With no
    names there is one domain holding every row.
    """
    n = len(data)
    if not names:
        return np.zeros(n, dtype=np.int64), pd.DataFrame(index=range(1))
    combined = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    uniques = []
    for name in names:
        codes, levels = pd.factorize(column(data, name), sort=True, use_na_sentinel=True)
        missing |= codes < 0
        combined = combined * max(len(levels), 1) + np.maximum(codes, 0)
        uniques.append(levels)
    inverse, present = pd.factorize(combined[~missing], sort=True)
    out = np.full(n, -1, dtype=np.int64)
    out[~missing] = inverse
    values = {}
    rest = present
    for name, levels in zip(reversed(names), reversed(uniques), strict=True):
        size = max(len(levels), 1)
        values[name] = np.asarray(levels)[rest % size]
        rest = rest // size
    groups = pd.DataFrame({name: values[name] for name in names})
    return out, groups
