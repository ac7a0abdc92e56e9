"""Logs hold no citizen answers (SQL parameters, a constraint's DETAIL line) and the development
server's access log no response ids or dossier codes of citizens' links."""
import logging
import threading
import urllib.error
import urllib.request
import uuid
from datetime import date

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from survey.db import get_engine
from survey.models import Response
from survey.service_points import operations as sp_operations
from survey.units.queries import query_unit


def test_a_database_error_is_logged_without_the_answers(app, units, caplog):
    secret = "SECRET-DOSSIER-4711"
    with app.app_context():
        unit = query_unit("03595", date.today())
        point = sp_operations.save(sp_operations.ServicePointData(
            "MC-LOG", "Điểm", "one_stop_commune", unit.id, None, True, ""))
        row = {"questionnaire_id": "tthc-desk", "questionnaire_version": 1, "channel": "qr",
               "status": "submitted", "current_page": 1, "service_point_id": point.id,
               "unit_id": unit.id, "language": "vi", "dossier_code": secret, "flags": ""}
        with get_engine().begin() as conn:
            conn.execute(insert(Response.__table__), {**row, "uuid": str(uuid.uuid4())})
        with caplog.at_level(logging.ERROR, logger=app.logger.name):
            try:
                with get_engine().begin() as conn:
                    conn.execute(insert(Response.__table__), {**row, "uuid": str(uuid.uuid4())})
            except IntegrityError as exc:
                app.logger.exception("unhandled error", exc_info=exc)
    logged = caplog.text
    assert "uq_response_dossier" in logged or "UNIQUE" in logged  # the error itself is there
    assert secret not in logged


def test_the_development_server_logs_citizen_links_without_ids(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    response_id = str(uuid.uuid4())
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (f"/q/MC-X/{response_id}/0", f"/q/MC-X/{response_id}/thanks",
                         "/q/MC-X?hs=000.00.27.H34-0001"):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}").close()
                except urllib.error.HTTPError:
                    pass
    finally:
        server.shutdown()
        thread.join()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= 3 and all("/q/MC-X" in line for line in lines)  # and a redirect
    assert not any(response_id in line or "0001" in line for line in lines)
