"""The staff pages in a real phone-sized browser: accessibility (axe, WCAG 2.2 AA), reflow at 320 px,
keyboard-only use, the language switch, sign-in without JavaScript, and what a page load weighs."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from survey.demo.commands import DEMO_PASSWORD
from tests.browser.helpers import (
    axe_violations,
    axe_violations_of_js_off_page,
    focused,
    javascript_enabled,
    no_horizontal_scroll,
    overflowing,
    screenshot,
    set_viewport,
    sign_in,
    transferred_bytes,
    wait_for,
)


def _wrong_password(driver, base_url):
    driver.get(f"{base_url}/login")
    driver.find_element("id", "username").send_keys("nhaplieu")
    driver.find_element("id", "password").send_keys("not the password")
    driver.find_element("css selector", "main form [type=submit]").click()
    wait_for(driver, lambda d: d.find_elements("css selector", ".error-summary"))


def _as_admin(path):
    def open_page(driver, base_url):
        sign_in(driver, base_url, "admin")
        driver.get(base_url + path)

    return open_page


PAGES = {
    "home": lambda d, base: d.get(f"{base}/"),
    "login": lambda d, base: d.get(f"{base}/login"),
    "login-wrong-password": _wrong_password,
    "service-points": _as_admin("/service-points/"),
    "new-service-point": _as_admin("/service-points/new"),
}


@pytest.mark.parametrize("page", PAGES)
def test_no_accessibility_violations(browser, live_server, page):
    PAGES[page](browser, live_server)
    screenshot(browser, f"{page}-360")
    violations = axe_violations(browser)
    assert not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_scroll_at_320_px(browser, live_server, page):
    set_viewport(browser, 320, 640)
    PAGES[page](browser, live_server)
    screenshot(browser, f"{page}-320")
    assert no_horizontal_scroll(browser), overflowing(browser)


def test_the_language_switch_changes_the_page_language(browser, live_server):
    browser.get(f"{live_server}/")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "vi"
    browser.find_element("link text", "English").click()
    wait_for(browser, lambda d: d.find_element("tag name", "html").get_attribute("lang") == "en")
    assert browser.find_element("tag name", "h1").text.startswith("Citizen satisfaction")
    browser.get(f"{live_server}/login")  # the choice is remembered
    assert browser.find_element("tag name", "html").get_attribute("lang") == "en"
    assert browser.find_element("tag name", "h1").text == "Staff sign in"


def _press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def test_sign_in_with_the_keyboard_only(browser, live_server):
    browser.get(f"{live_server}/login")
    _press(browser, Keys.TAB)
    assert focused(browser) == "a:Bỏ qua, đến nội dung chính", "the skip link comes first"
    for _ in range(5):
        if focused(browser) == "#username":
            break
        _press(browser, Keys.TAB)
    assert focused(browser) == "#username"
    _press(browser, "admin", Keys.TAB)
    assert focused(browser) == "#password"
    _press(browser, DEMO_PASSWORD, Keys.ENTER)
    wait_for(browser, lambda d: d.find_elements("css selector", "form.signout"))
    assert browser.current_url == f"{live_server}/"


def test_a_wrong_password_shows_the_error_summary(browser, live_server):
    _wrong_password(browser, live_server)
    summary = browser.find_element("css selector", ".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in summary.text
    assert browser.find_element("id", "username").get_attribute("value") == "nhaplieu"
    assert browser.find_element("id", "password").get_attribute("value") == ""


def test_the_error_summary_links_to_the_field(browser, live_server):
    browser.get(f"{live_server}/login")
    browser.find_element("id", "username").send_keys("nhaplieu", Keys.ENTER)  # no password
    link = wait_for(browser, lambda d: d.find_element("css selector", ".error-summary a"))
    assert link.get_attribute("hash") == "#password"
    assert browser.find_element("id", "password").get_attribute("aria-invalid") == "true"
    link.send_keys(Keys.ENTER)
    wait_for(browser, lambda d: focused(d) == "#password", message="focus did not move to the field")


def test_the_error_summary_takes_focus(browser, live_server):
    _wrong_password(browser, live_server)
    assert browser.switch_to.active_element.get_attribute("class") == "error-summary"


def test_the_login_page_works_without_javascript(make_browser, browser, live_server):
    no_js = make_browser(js=False)
    assert not javascript_enabled(no_js)
    no_js.get(f"{live_server}/login")
    screenshot(no_js, "login-no-js-360")
    # axe itself needs JavaScript: it checks the same page in the JavaScript browser.
    violations = axe_violations_of_js_off_page(no_js, browser)
    assert not violations, "\n".join(map(str, violations))
    sign_in(no_js, live_server, "lanhdao")
    assert no_js.find_element("css selector", "form.signout").is_displayed()


@pytest.mark.parametrize(("path", "limit"), [("/", 30_000), ("/login", 30_000)])
def test_page_weight(make_browser, live_server, capsys, path, limit):
    """A first visit, as on a phone that never saw the site: a new browser, nothing cached."""
    browser = make_browser()
    weight = transferred_bytes(browser, live_server + path)
    with capsys.disabled():
        print(f"\n{path}: {weight.encoded_bytes} bytes transferred in {weight.requests} requests ("
              + ", ".join(f"{url.removeprefix(live_server)} {size}" for url, size in weight.responses)
              + ")")
    assert not weight.other_hosts
    assert weight.encoded_bytes < limit
