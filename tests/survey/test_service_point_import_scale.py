"""A large service-point CSV imports with as many SQL statements as a small one (a statement per
row ran 60,000 rows past gunicorn's timeout; benchmarks/bench_service_point_import.py times it)."""
from datetime import date

from sqlalchemy import event, func, select

from survey.db import get_engine, get_session
from survey.models import ServicePoint
from survey.service_points.operations import import_csv
from survey.units.queries import query_units_on

HEADER = "code,name,kind,unit_code,questionnaire_id,active,opening_hours\n"


def _csv(rows, communes, prefix):
    return (HEADER + "".join(
        f"{prefix}{n:05d},Một cửa {n},one_stop_commune,{communes[n % len(communes)]},,yes,"
        "mon-fri 07:30-11:30\n" for n in range(rows)) + ",Mã tự sinh,health_station,"
        f"{communes[0]},,no,\n").encode()


def _statements(app, data):
    seen = []

    def count(*_args):
        seen.append(1)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        imported, problems = import_csv(data)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert problems == []
    return imported, len(seen)


def test_statements_do_not_grow_with_the_rows(app, units):
    with app.app_context():
        communes = [u.code for u in query_units_on(date.today(), "commune")]
        small = _statements(app, _csv(10, communes, "S"))
        large = _statements(app, _csv(500, communes, "L"))
        assert (small[0], large[0]) == (11, 501)
        assert large[1] == small[1]
        # The same file again updates every row in place (still no statement per row).
        again = _statements(app, _csv(500, communes, "L"))
        assert again[0] == 501 and again[1] <= large[1] + 1  # one INSERT, one UPDATE
        total = get_session().execute(select(func.count()).select_from(ServicePoint)).scalar_one()
        assert total == 11 + 501 + 1  # the code-less row of the second file is a new point
