"""The citizen survey in a real phone-sized browser, with JavaScript on and off: the desk
rating, a long questionnaire across pages with a reload and a closed tab, accessibility
(axe, 320 px), and what each page costs on the wire."""
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import text

from survey.db import make_engine
from survey.questionnaires import load_registry
from tests.browser.helpers import (
    PROJECT_ROOT,
    axe_violations,
    axe_violations_of_js_off_page,
    no_horizontal_scroll,
    overflowing,
    screenshot,
    set_viewport,
    transferred_bytes,
    wait_for,
)

DESK, HEALTH = "MC-03595", "YT-03595"
PAGE_URL = re.compile(r"/q/[^/]+/([0-9a-f-]{36})/(\d+|thanks)$")


@pytest.fixture
def stored(browser_database_url):
    """Read a response and its answers straight from the live server's database."""
    engine = make_engine(browser_database_url)

    def read(response_uuid):
        with engine.connect() as conn:
            row = conn.execute(text("SELECT id, status, current_page, flags FROM response "
                                    "WHERE uuid = :u"), {"u": response_uuid}).one_or_none()
            if row is None:
                return None
            answers = dict(conn.execute(text("SELECT item_id, value FROM answer "
                                             "WHERE response_id = :r"), {"r": row.id}).all())
        return {"status": row.status, "page": row.current_page, "answers": answers}

    yield read
    engine.dispose()


def _response_uuid(driver):
    return PAGE_URL.search(driver.current_url).group(1)


def _h1(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def _pick(driver, item_id, value):
    """Choose an answer the way a thumb does: tap its label."""
    radio = driver.find_element(By.CSS_SELECTOR, f'input[name="q_{item_id}"][value="{value}"]')
    driver.find_element(By.CSS_SELECTOR, f'label[for="{radio.get_attribute("id")}"]').click()


def _submit(driver, label):
    driver.find_element(By.XPATH, f'//main//div[@class="send"]/button[normalize-space()="{label}"]').click()


def _wait_for_path(driver, end):
    wait_for(driver, lambda d: d.current_url.endswith(end),
             message=f"expected …{end}, at {driver.current_url}")


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_desk_rating_in_one_tap_then_optional_follow_ups(make_browser, live_server, stored, js):
    phone = make_browser(js=js)
    phone.get(f"{live_server}/q/{DESK}")
    assert phone.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    screenshot(phone, f"citizen-desk-rating-{'js' if js else 'no-js'}-360")
    faces = phone.find_elements(By.CSS_SELECTOR, ".faces button")
    assert [f.text for f in faces] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert all(f.size["height"] >= 44 and f.size["width"] >= 44 for f in faces)
    faces[0].click()
    _wait_for_path(phone, "/1")
    response_uuid = _response_uuid(phone)
    assert stored(response_uuid)["status"] == "submitted"   # counted after the tap
    assert "đã được ghi nhận" in phone.find_element(By.CSS_SELECTOR, ".done").text
    screenshot(phone, f"citizen-desk-follow-ups-{'js' if js else 'no-js'}-360")
    _pick(phone, "waiting_time", "lt15")
    _pick(phone, "staff_attitude", "3")
    _pick(phone, "asked_informal_payment", "no")
    _submit(phone, "Gửi")
    _wait_for_path(phone, "/thanks")
    screenshot(phone, f"citizen-desk-thanks-{'js' if js else 'no-js'}-360")
    saved = stored(response_uuid)
    assert saved["page"] == 2
    assert saved["answers"] == {"satisfaction": "3", "waiting_time": "lt15", "staff_attitude": "3",
                                "asked_informal_payment": "no"}


def _answer_scale_items(driver, value="4"):
    names = {i.get_attribute("name") for i in driver.find_elements(By.CSS_SELECTOR, "main input[type=radio]")}
    answered = []
    for name in sorted(names):
        values = [i.get_attribute("value") for i in
                  driver.find_elements(By.CSS_SELECTOR, f'input[name="{name}"]')]
        if value in values:
            _pick(driver, name.removeprefix("q_"), value)
            answered.append(name.removeprefix("q_"))
    return answered


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_long_questionnaire_across_pages_survives_reload_and_closed_tab(
        make_browser, live_server, stored, js):
    phone = make_browser(js=js)
    phone.get(f"{live_server}/q/{HEALTH}")
    step = phone.find_element(By.CSS_SELECTOR, ".step").text
    pages = int(step.rsplit("/", 1)[1])
    assert pages >= 5 and step.startswith("Trang 1/")
    first_page_items = _answer_scale_items(phone)
    answered = list(first_page_items)
    screenshot(phone, f"citizen-health-page-1-{'js' if js else 'no-js'}-360")
    _submit(phone, "Tiếp tục")
    _wait_for_path(phone, "/1")
    response_uuid = _response_uuid(phone)

    phone.refresh()  # a reload mid-way loses nothing and stays on the same page
    assert phone.current_url.endswith("/1")
    assert "Trang 2/" in phone.find_element(By.CSS_SELECTOR, ".step").text
    assert set(stored(response_uuid)["answers"]) == set(first_page_items)
    answered += _answer_scale_items(phone)
    _submit(phone, "Tiếp tục")
    _wait_for_path(phone, "/2")

    phone.get(f"{live_server}/")  # the tab goes elsewhere; scanning the poster again resumes
    phone.get(f"{live_server}/q/{HEALTH}")
    _wait_for_path(phone, "/2")
    assert stored(response_uuid)["status"] == "in_progress"
    for page in range(3, pages + 1):
        answered += _answer_scale_items(phone)
        _submit(phone, "Gửi" if page == pages else "Tiếp tục")
        _wait_for_path(phone, "/thanks" if page == pages else f"/{page}")
    saved = stored(response_uuid)
    assert (saved["status"], saved["page"]) == ("submitted", pages)
    # Every tapped answer is stored, except on questions whose skip logic hid them.
    questionnaire = load_registry(PROJECT_ROOT / "questionnaires").get("health-outpatient")
    dropped = set(answered) - set(saved["answers"])
    assert set(saved["answers"]) <= set(answered)
    assert all(questionnaire.items[item].condition is not None for item in dropped)
    assert len(saved["answers"]) >= 25


def _desk_error_page(driver, base):
    """Enter in the dossier box without a rating: the form must say what is missing."""
    driver.get(f"{base}/q/{DESK}")
    box = driver.find_element(By.ID, "q_dossier_code")
    box.send_keys("000.00.27.H34", Keys.ENTER)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))


def _desk_follow_ups(driver, base):
    driver.get(f"{base}/q/{DESK}")
    driver.find_element(By.CSS_SELECTOR, ".faces button").click()
    _wait_for_path(driver, "/1")


def _thanks(driver, base):
    _desk_follow_ups(driver, base)
    _submit(driver, "Bỏ qua")
    _wait_for_path(driver, "/thanks")


CITIZEN_PAGES = {
    "desk": lambda d, base: d.get(f"{base}/q/{DESK}"),
    "desk-error": _desk_error_page,
    "desk-follow-ups": _desk_follow_ups,
    "thanks": _thanks,
    "health-page-1": lambda d, base: d.get(f"{base}/q/{HEALTH}"),
    "unknown-code": lambda d, base: d.get(f"{base}/q/KHONG-CO"),
    "english": lambda d, base: d.get(f"{base}/q/{DESK}?lang=en"),
}


@pytest.mark.parametrize("page", CITIZEN_PAGES)
def test_citizen_pages_are_accessible_and_reflow(browser, live_server, page):
    CITIZEN_PAGES[page](browser, live_server)
    violations = axe_violations(browser)
    assert not violations, "\n".join(map(str, violations))
    set_viewport(browser, 320, 640)
    screenshot(browser, f"citizen-{page}-320")
    assert no_horizontal_scroll(browser), overflowing(browser)


def test_the_error_summary_links_to_the_question(browser, live_server):
    _desk_error_page(browser, live_server)
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert browser.switch_to.active_element == summary
    link = summary.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("hash") == "#q_satisfaction"
    assert "Vui lòng trả lời câu hỏi này" in summary.text


def test_the_citizen_page_without_javascript_passes_axe(make_browser, browser, live_server):
    phone = make_browser(js=False)
    phone.get(f"{live_server}/q/{DESK}")
    violations = axe_violations_of_js_off_page(phone, browser)
    assert not violations, "\n".join(map(str, violations))


def test_page_weight_on_a_phone_that_never_saw_the_site(make_browser, live_server, capsys):
    phone = make_browser()
    first = transferred_bytes(phone, f"{live_server}/q/{DESK}")
    phone.find_element(By.CSS_SELECTOR, ".faces button").click()
    _wait_for_path(phone, "/1")
    further = transferred_bytes(phone, phone.current_url)
    health = transferred_bytes(make_browser(), f"{live_server}/q/{HEALTH}")
    with capsys.disabled():
        for name, weight in (("desk first page", first), ("desk follow-up page", further),
                             ("health first page", health)):
            print(f"\n{name}: {weight.encoded_bytes} bytes in {weight.requests} request(s)")
    assert not (first.other_hosts or further.other_hosts or health.other_hosts)
    assert first.encoded_bytes <= 30_000 and health.encoded_bytes <= 30_000
    assert further.encoded_bytes <= 15_000
