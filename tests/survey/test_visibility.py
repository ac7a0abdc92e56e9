"""Who sees what beyond the role check: export jobs are their maker's (an admin sees all), and a
supervisor prints posters of their own units only."""
from datetime import date

from bs4 import BeautifulSoup

from survey.api.tokens import create_token
from survey.db import transaction
from survey.models import ExportJob, UserUnit
from survey.service_points import operations as sp_operations
from survey.units.queries import query_unit
from tests.survey.conftest import PASSWORD, post_form


def _sign_in(app, username):
    client = app.test_client()
    assert post_form(client, "/login", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_an_export_job_is_seen_by_its_maker_and_admins_only(app, make_user, units):
    from survey.waves import operations as wave_operations

    mine, other = make_user("statistician", "thongke1"), make_user("statistician", "thongke2")
    make_user("admin")
    with app.app_context():
        wave = wave_operations.save_wave(wave_operations.WaveData(
            "VIS", "Đợt", "tthc-desk", date(2025, 8, 1), date(2025, 10, 31), "qr", False), None, None)
        with transaction() as session:
            job = ExportJob(wave_id=wave.id, format="parquet", status="queued", created_by_id=mine.id)
            session.add(job)
        _token, secret = create_token(other.id, "script")
    urls = (f"/exports/jobs/{job.id}", f"/exports/jobs/{job.id}/file")
    maker, colleague, admin = (_sign_in(app, name) for name in ("thongke1", "thongke2", "admin"))
    assert maker.get(urls[0]).status_code == 200
    assert [colleague.get(url).status_code for url in urls] == [404, 404]
    assert admin.get(urls[0]).status_code == 200

    def listed(client):
        soup = BeautifulSoup(client.get("/exports/").get_data(as_text=True), "html.parser")
        return any(a["href"] == urls[0] for a in soup.select("a[href]"))

    assert (listed(maker), listed(colleague), listed(admin)) == (True, False, True)
    api = app.test_client().get(f"/api/v1/exports/{job.id}",
                                headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 404 and api.is_json


def test_a_supervisor_prints_posters_of_their_own_units_only(app, make_user, units):
    today = date.today()
    with app.app_context():
        own_unit, other_unit = query_unit("03595", today), query_unit("03388", today)
        own, other = (sp_operations.save(sp_operations.ServicePointData(
            f"MC-{u.code}", f"Một cửa {u.name}", "one_stop_commune", u.id, None, True, "")).id
            for u in (own_unit, other_unit))
    supervisor = make_user("supervisor")
    with app.app_context(), transaction() as session:
        session.add(UserUnit(user_id=supervisor.id, unit_id=own_unit.id))
    client = _sign_in(app, "supervisor")
    for point, unit, status in ((own, own_unit.id, 200), (other, other_unit.id, 404)):
        for url in (f"/posters/{point}.svg", f"/posters/{point}/print", f"/posters/{point}/qr.png",
                    f"/posters/{point}/qr.svg", f"/posters/unit/{unit}.zip",
                    f"/posters/unit/{unit}/print"):
            assert client.get(url).status_code == status, url
    listing = BeautifulSoup(client.get("/posters/").get_data(as_text=True), "html.parser")
    headings = [h.get_text(" ", strip=True) for h in listing.select("section h2")]
    assert len(headings) == 1 and own_unit.code in headings[0]
