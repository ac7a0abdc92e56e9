"""The Content-Security-Policy in a real browser (issue 14, item 13): no page violates it, and the
inline styles it allows by hash are applied. (The offline entry page, its script and its service
worker run under it in tests/browser/test_offline_entry.py.)"""
from tests.browser.helpers import sign_in, wait_for

# Runs before any script of the page and whatever its policy (DevTools adds it).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    e => window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def _violations(driver, url):
    driver.get(url)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    return driver.execute_script("return window.__violations")


def test_no_page_violates_the_policy_and_inline_styles_apply(browser, live_server):
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    assert _violations(browser, f"{live_server}/q/MC-03595") == []
    # The citizen page's inline stylesheet is in force: its header is the dark green it sets.
    header = browser.execute_script(
        "return getComputedStyle(document.querySelector('header')).backgroundColor")
    assert header == "rgb(0, 90, 48)"
    assert _violations(browser, f"{live_server}/login") == []
    sign_in(browser, live_server, "admin")
    for path in ("/", "/units/", "/service-points/", "/posters/", "/waves/", "/no-such-page"):
        assert _violations(browser, live_server + path) == [], path
    browser.get(f"{live_server}/posters/")
    print_link = browser.find_element("css selector", "a[href*='/print']").get_attribute("href")
    assert _violations(browser, print_link) == []
    # The poster sheet's inline stylesheet (sized for the paper) is in force too.
    width = browser.execute_script("return getComputedStyle(document.querySelector('.sheet')).width")
    assert width not in ("", "auto", "0px")
