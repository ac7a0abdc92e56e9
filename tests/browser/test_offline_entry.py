"""Paper entry in a real headless Chromium: keyed with no network, kept across a reload, sent once.

The app runs on a server of this test's own so that it can be stopped: with the server down and
the page's network emulated offline, nothing reaches the app until both come back.
"""
import secrets
import threading
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from sqlalchemy import func
from sqlmodel import select
from werkzeug.serving import make_server

from survey import create_app
from survey.demo import seed
from survey.demo.commands import DEMO_PASSWORD
from survey.demo.entry import ensure_entry_demo
from survey.migrate import upgrade
from tests.browser.helpers import axe_violations, screenshot, sign_in, wait_for

# Answers of a SIPAS form by key: Tab past the text items, digits on the choices.
SIPAS_KEYS = (
    [Keys.TAB, "1"]                        # procedure name (blank), channel: in person
    + ["4", "4", "5", "3"]                 # access
    + ["4", "4", "5", "4"]                 # procedures
    + ["5", "4", "4", "5", "4"]            # officials
    + ["4", "4", "5"]                      # results
    + ["4", "2"]                           # feedback channels; gave feedback: no (hides two)
    + ["1", "1"]                           # no harassment, no informal payment (hide two)
    + ["1"]                                # preferred channel
    + ["4", "6", Keys.TAB, Keys.TAB]       # priorities: simplify, competence; comment (blank)
    + ["2", "2", Keys.TAB, "1", "3", "1"]  # sex, age; ethnicity (a list: left blank); education,
                                           # occupation, residence
)


class Server:
    """The app on a fixed loopback port, stoppable and restartable (a commune losing signal)."""

    def __init__(self, app):
        self.app, self.port, self.server = app, 0, None

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def entry_server(browser_tools, browser_database_url, tmp_path_factory):
    from survey.db import make_engine

    engine = make_engine(browser_database_url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": browser_database_url, "SECRET_KEY": secrets.token_hex(32),
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("entry-instance"))}, strict=True)
    with app.app_context():
        seed.ensure_units()
        seed.ensure_users(DEMO_PASSWORD)
        ensure_entry_demo()
    server = Server(app)
    server.start()
    yield server
    server.stop()
    app.extensions["db_engine"].dispose()


def _batch_id(app):
    from survey.db import get_session
    from survey.models import Batch

    with app.app_context():
        return get_session().exec(select(Batch.id)).first()


def _forms(app, numbers):
    from survey.db import get_session
    from survey.models import PaperEntry, Response

    with app.app_context():
        session = get_session()
        responses = session.exec(select(func.count()).select_from(Response)
                                 .where(Response.paper_form_number.in_(numbers))).one()
        entries = session.exec(select(func.count()).select_from(PaperEntry)
                               .where(PaperEntry.paper_form_number.in_(numbers))).one()
        return responses, entries


def _offline(driver, offline: bool):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def _key_form(driver, number, keys):
    field = driver.find_element("id", "paper_form_number")
    field.click()
    ActionChains(driver).send_keys(number, Keys.TAB, "1", *keys, Keys.ENTER).perform()
    wait_for(driver, lambda d: number in d.find_element("id", "sync-status").text
             or d.find_element("id", "paper_form_number").get_attribute("value") == "", 10)


def _queue(driver):
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open("survey-entry", 1);
        open.onsuccess = () => { const r = open.result.transaction("queue").objectStore("queue").getAll();
                                 r.onsuccess = () => done(r.result); };""")


def test_forms_keyed_offline_reach_the_server_once(make_browser, entry_server):
    driver = make_browser(width=1024, height=900)
    app, base = entry_server.app, entry_server.url
    batch = _batch_id(app)
    sign_in(driver, base, "nhaplieu2")
    driver.get(f"{base}/entry/batches/{batch}/key")
    wait_for(driver, lambda d: d.find_element("id", "entry-app").get_attribute("data-offline-ready")
             == "true", 15, "the entry page was not stored for offline use")
    assert axe_violations(driver) == []
    numbers = ["OFF-1", "OFF-2", "OFF-3"]

    _offline(driver, True)
    entry_server.stop()
    short = ["1"] * 3
    for number in numbers:
        _key_form(driver, number, short)
    wait_for(driver, lambda d: d.find_element("id", "entry-app").get_attribute("data-waiting") == "3", 10)
    assert "3" in driver.find_element("id", "queue-count").text
    sent = [{k: v for k, v in r.items() if k not in ("user", "errors")} for r in _queue(driver)]
    driver.refresh()  # served by the service worker from its cache: the server is down
    wait_for(driver, lambda d: d.find_element("id", "entry-app").get_attribute("data-waiting") == "3", 10)
    assert _forms(app, numbers) == (0, 0)
    screenshot(driver, "entry-offline-waiting")

    entry_server.start()
    _offline(driver, False)  # the `online` event sends the queue
    wait_for(driver, lambda d: d.find_element("id", "entry-app").get_attribute("data-waiting") == "0", 15)
    assert _forms(app, numbers) == (3, 3)

    # The same sync again (a retry after a lost answer): the same receipts, still three.
    replay = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch("/entry/api/session", {headers: {Accept: "application/json"}}).then(r => r.json())
          .then(s => fetch("/entry/api/sync", {method: "POST", body: JSON.stringify({forms: arguments[0]}),
                 headers: {"Content-Type": "application/json", "X-CSRFToken": s.csrf_token}}))
          .then(r => r.json()).then(done);""", sent)
    assert [r["status"] for r in replay["results"]] == ["accepted"] * 3
    assert all(r["replayed"] for r in replay["results"])
    assert _forms(app, numbers) == (3, 3)


def test_keying_a_sipas_form_by_keyboard_and_the_skip_logic(make_browser, entry_server):
    driver = make_browser(width=1024, height=900)
    app, base = entry_server.app, entry_server.url
    batch = _batch_id(app)
    sign_in(driver, base, "nhaplieu")
    driver.get(f"{base}/entry/batches/{batch}/key")
    hidden = driver.find_element("id", "item-feedback_handled")
    driver.find_element("id", "paper_form_number").click()
    started = time.perf_counter()
    ActionChains(driver).send_keys("SPEED-1", Keys.TAB, "1", *SIPAS_KEYS, Keys.ENTER).perform()
    wait_for(driver, lambda d: d.find_element("id", "entry-app").get_attribute("data-waiting") == "0"
             and _forms(app, ["SPEED-1"]) == (1, 1), 15)
    seconds = time.perf_counter() - started
    keys = 3 + len(SIPAS_KEYS) + 1
    print(f"\nSIPAS form keyed by script: {keys} key presses, saved and synced in {seconds:.2f} s")
    from survey.responses import query_answers, query_paper_form

    with app.app_context():
        answers = query_answers(query_paper_form(batch, "SPEED-1").id)
    assert answers["submission_channel"] == "in_person" and answers["official_polite"] == "5"
    assert answers["gave_feedback"] == "no" and "feedback_handled" not in answers
    assert answers["priorities"] == "simplify competence" and answers["sex"] == "female"
    assert answers["occupation"] == "farmer" and answers["residence"] == "urban"
    assert hidden.get_attribute("hidden") is not None
    # The page's evaluator agrees with the server's on every skip rule and a set of answers.
    from survey.questionnaires.relevance import parse

    cases = [("gave_feedback == 'yes'", {"gave_feedback": "yes"}),
             ("gave_feedback == 'yes'", {}),
             ("harassment in ['some', 'many']", {"harassment": "some"}),
             ("harassment in ['some', 'many']", {"harassment": "none"}),
             ("selected(priorities, 'other')", {"priorities": "simplify other"}),
             ("not answered(x) or x >= 3", {"x": "2"}), ("x < 10 and x != '4'", {"x": "4"}),
             ("x > 2", {"x": "15_30"}), ("x not in ['a']", {"x": "b"})]
    from survey.entry.logic import condition_tree

    for source, answers in cases:
        condition = parse(source)
        page = driver.execute_script("return window.surveyEntry.holds(arguments[0], arguments[1])",
                                     condition_tree(condition), answers)
        assert page == condition.holds(answers), source


def test_the_form_number_is_checked_before_any_answer_is_keyed(make_browser, entry_server):
    """A number the clerk keyed already locks the answers at once (issue 16 item 4)."""
    driver = make_browser(width=1024, height=900)
    app, base = entry_server.app, entry_server.url
    batch = _batch_id(app)
    sign_in(driver, base, "nhaplieu")  # keyed the demo's 0001-0003 as first entries
    driver.get(f"{base}/entry/batches/{batch}/key")
    progress = driver.find_element("id", "batch-progress").text
    assert "0001" in progress and "20" in progress  # the lowest number keyed; the batch's size
    questions = driver.find_element("id", "entry-questions")
    state = driver.find_element("id", "form-number-state")
    field = driver.find_element("id", "paper_form_number")
    field.send_keys("0003")
    wait_for(driver, lambda d: "stop" in state.get_attribute("class"), 5, "0003 did not stop the clerk")
    assert not questions.is_enabled() or questions.get_attribute("disabled") is not None
    assert not driver.find_element("id", "q_access_channels-0").is_enabled()
    assert state.text and state.is_displayed()
    assert axe_violations(driver) == []
    screenshot(driver, "entry-number-stop")
    field.send_keys(Keys.ENTER)  # Enter cannot save a form under this number
    time.sleep(0.5)
    assert _forms(app, ["0003"]) == (1, 1)
    field.clear()
    field.send_keys("NEW-0099")
    wait_for(driver, lambda d: "go" in state.get_attribute("class"), 5)
    assert questions.get_attribute("disabled") is None
    assert driver.find_element("id", "q_access_channels-0").is_enabled()
    assert driver.find_element("id", "entry_kind-0").is_selected()  # a first entry
