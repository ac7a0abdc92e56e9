"""The statisticians' pages and paper entry in a real browser: axe (WCAG 2.2 AA), screenshots at 1280
and 360 px, no page-wide horizontal scroll on a phone, and charts readable without seeing them.

The data is made by the real operations the `flask demo` command runs (a published, public desk
wave with a census-free frame; a paper wave with a batch holding a verified form, a conflict and a
form keyed once), seeded into the live server's database.
"""
import secrets
from dataclasses import dataclass

import pytest
from sqlmodel import select

from survey import create_app
from survey.demo import waves as demo_waves
from survey.demo.entry import WAVE_CODE, ensure_entry_demo
from tests.browser.helpers import (
    axe_violations,
    no_horizontal_scroll,
    overflowing,
    screenshot,
    set_viewport,
    sign_in,
    wait_for,
)

WIDTHS = ((1280, 800), (360, 640))
TOKEN_NAME = "Báo cáo Power BI"


@dataclass(frozen=True)
class Seeded:
    wave: int
    paper_wave: int
    batch: int
    conflict: int


@pytest.fixture(scope="module")
def seeded(live_server, browser_database_url, tmp_path_factory):
    """Add the demo waves, paper entry and an API token to the live server's database."""
    from survey.api import tokens
    from survey.auth.queries import query_user_by_name
    from survey.db import get_session
    from survey.models import Batch, Response
    from survey.waves import queries

    app = create_app({"DATABASE_URL": browser_database_url, "SECRET_KEY": secrets.token_hex(32),
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("features-instance"))}, strict=True)
    with app.app_context():
        demo_waves.ensure_wave()
        ensure_entry_demo()
        statistician = query_user_by_name("thongke")
        if not any(t.name == TOKEN_NAME for t in tokens.query_tokens(statistician.id)):
            tokens.create_token(statistician.id, TOKEN_NAME)
        paper_wave = queries.query_wave_by_code(WAVE_CODE)
        session = get_session()
        seeded = Seeded(
            wave=queries.query_wave_by_code(demo_waves.DEMO_WAVE).id,
            paper_wave=paper_wave.id,
            batch=session.exec(select(Batch.id).where(Batch.wave_id == paper_wave.id)).first(),
            conflict=session.exec(select(Response.id).where(
                Response.wave_id == paper_wave.id, Response.verification == "conflict")).first())
    yield seeded
    app.extensions["db_engine"].dispose()


def _export_job(driver, base, data):
    """Start an Excel export through the form and wait on its page until the file is ready."""
    driver.get(f"{base}/exports/")
    driver.find_element("css selector", f"#wave_id option[value='{data.wave}']").click()
    driver.find_element("css selector", "#format option[value='xlsx']").click()
    driver.find_element("css selector", "main form [type=submit]").click()
    wait_for(driver, lambda d: "/exports/jobs/" in d.current_url, 10, "the export did not start")
    # The job page refreshes itself every few seconds until the worker process is done.
    wait_for(driver, lambda d: d.find_elements("css selector", "main a[href$='/file']"), 60,
             "the export did not finish")


# page: (who signs in or None, how to open it)
PAGES = {
    "waves": ("thongke", lambda d, base, data: d.get(f"{base}/waves/")),
    "wave-design": ("thongke", lambda d, base, data: d.get(f"{base}/waves/{data.wave}")),
    "wave-weights": ("thongke", lambda d, base, data: d.get(f"{base}/waves/{data.wave}/weights")),
    "results-by-commune": ("lanhdao", lambda d, base, data: d.get(f"{base}/results/{data.wave}?by=commune")),
    "dashboard": ("lanhdao", lambda d, base, data: d.get(f"{base}/results/{data.wave}/dashboard")),
    "charts": ("lanhdao", lambda d, base, data: d.get(f"{base}/results/{data.wave}/charts")),
    "public-page": (None, lambda d, base, data: d.get(f"{base}/minh-bach/{data.wave}")),
    "exports": ("thongke", lambda d, base, data: d.get(f"{base}/exports/")),
    "export-job": ("thongke", _export_job),
    "jobs": ("admin", lambda d, base, data: d.get(f"{base}/jobs/")),
    "api-tokens": ("thongke", lambda d, base, data: d.get(f"{base}/api-tokens/")),
    "entry-batches": ("giamsat", lambda d, base, data: d.get(f"{base}/entry/batches")),
    "entry-batch": ("giamsat", lambda d, base, data: d.get(f"{base}/entry/batches/{data.batch}")),
    "entry-keying": ("nhaplieu", lambda d, base, data: d.get(f"{base}/entry/batches/{data.batch}/key")),
    "entry-resolve": ("giamsat", lambda d, base, data: d.get(f"{base}/entry/forms/{data.conflict}/resolve")),
    "entry-audit": ("giamsat", lambda d, base, data: d.get(f"{base}/entry/audit")),
}


def _wide_content_outside_scroll_boxes(driver) -> list[str]:
    """Describe elements wider than the viewport that are not inside a scrollable box."""
    return driver.execute_script("""
        const width = document.documentElement.clientWidth;
        const scrolls = e => { for (let p = e; p && p !== document.body; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            const box = p.getBoundingClientRect();
            if ((o === 'auto' || o === 'scroll') && box.right <= width + 0.5) return true;
        } return false; };
        return [...document.body.querySelectorAll('*')]
          .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrolls(e)).slice(0, 10)
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));""")


@pytest.mark.parametrize("page", PAGES)
def test_staff_feature_page(browser, live_server, seeded, page):
    user, open_page = PAGES[page]
    set_viewport(browser, *WIDTHS[0])
    if user:
        sign_in(browser, live_server, user)
    open_page(browser, live_server, seeded)
    assert browser.find_elements("css selector", "main h1"), f"{page}: no page heading"
    assert not browser.find_elements("css selector", "main .error-summary"), f"{page}: an error shows"
    url = browser.current_url
    for width, height in WIDTHS:
        set_viewport(browser, width, height)
        browser.get(url)
        screenshot(browser, f"staff-{page}-{width}")
        # Folded content (a chart's numbers) is checked too, as a user who opens it sees it.
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        violations = axe_violations(browser)
        assert not violations, f"{page} at {width} px:\n" + "\n".join(map(str, violations))
    # At 360 px the page itself must not scroll sideways; wide tables scroll in their own box.
    assert no_horizontal_scroll(browser), overflowing(browser)
    cut_off = _wide_content_outside_scroll_boxes(browser)
    assert not cut_off, f"{page}: wider than the screen and not in a scrolling box: {cut_off}"


def test_each_chart_has_a_title_a_description_and_its_numbers(browser, live_server, seeded):
    sign_in(browser, live_server, "lanhdao")
    browser.get(f"{live_server}/results/{seeded.wave}/charts")
    figures = browser.find_elements("css selector", "main figure img")
    assert len(figures) == 3
    for img in figures:
        svg = browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(r => r.text()).then(text => {
              const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
              const root = doc.documentElement;
              const title = root.querySelector(':scope > title'), desc = root.querySelector(':scope > desc');
              done({root: root.localName, title: title && title.textContent.trim(),
                    desc: desc && desc.textContent.trim(), role: root.getAttribute('role'),
                    labelledby: root.getAttribute('aria-labelledby')});
            });""", img.get_attribute("src"))
        assert svg["root"] == "svg", img.get_attribute("src")
        assert svg["title"] and svg["desc"], svg
        assert img.get_attribute("alt")
    tables = browser.find_elements("css selector", "main section details table")
    assert len(tables) == 3
    for table in tables:
        assert table.find_element("tag name", "caption").get_attribute("textContent").strip()
        assert table.find_elements("css selector", "tbody tr"), "a chart's table has no rows"
