"""Weekly opening hours as one line of text, e.g. "mon-fri 07:30-11:30 13:30-17:00; sat 07:30-11:30".

Clauses are separated by ';'. Each names a day or a day range, then one or more HH:MM-HH:MM
periods. An empty text means the hours are not known, and nothing is judged against them.
"""
import re
from datetime import datetime, time
from functools import lru_cache

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERIOD = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")


class HoursError(ValueError):
    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@lru_cache(maxsize=4096)  # a CSV import repeats a few texts 60,000 times; callers never mutate
def parse_hours(text: str) -> dict[int, tuple[tuple[time, time], ...]]:
    """Return weekday (0 = Monday) → periods; raise HoursError naming the bad part."""
    week: dict[int, list] = {}
    for clause in filter(None, (c.strip() for c in text.lower().split(";"))):
        days, *periods = clause.split()
        first, _, last = days.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError("hours.bad_day", days)
        start_day, end_day = DAYS.index(first), DAYS.index(last or first)
        if end_day < start_day or not periods:
            raise HoursError("hours.bad_day" if periods else "hours.no_period", clause)
        parsed = []
        for period in periods:
            m = PERIOD.match(period)
            if not m:
                raise HoursError("hours.bad_time", period)
            h1, m1, h2, m2 = map(int, m.groups())
            if (h2, m2) > (24, 0) or (h1, m1) >= (h2, m2):
                raise HoursError("hours.bad_time", period)
            parsed.append((time(h1, m1), time(23, 59, 59) if h2 == 24 else time(h2, m2)))
        for day in range(start_day, end_day + 1):
            week.setdefault(day, []).extend(parsed)
    return {day: tuple(sorted(periods)) for day, periods in week.items()}


def is_open(text: str, at: datetime) -> bool | None:
    """Whether the place is open at local time `at`; None when its hours are not known."""
    if not text.strip():
        return None
    periods = parse_hours(text).get(at.weekday(), ())
    return any(start <= at.time() <= end for start, end in periods)
