"""What browser tests do to a page: start Chromium, sign in, run axe, weigh a load, take a screenshot.

Everything runs against Debian's Chromium and ChromeDriver and a local copy of axe-core, all put
in place by `scripts/install-browser-deps`; nothing is ever downloaded while the tests run.
"""
import base64
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.wait import WebDriverWait

from survey.demo.commands import DEMO_PASSWORD

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_JS = PROJECT_ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
INSTALL_HINT = "run scripts/install-browser-deps"
AXE_TIMEOUT = 20
QUIET_SECONDS = 0.3  # no network activity for this long ends a page-weight measurement
WCAG22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# The network is closed here: without these Chromium keeps trying to reach Google's services.
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
    # Phones draw overlay scrollbars; classic ones would take 15 px off a 320 px viewport.
    "--hide-scrollbars",
)


def missing_tools() -> list[str]:
    """Name what the browser tests need and cannot find."""
    return [str(path) for path in (CHROMIUM, CHROMEDRIVER, AXE_JS) if not path.is_file()]


def start_chromium(user_data_dir: str, js: bool = True, width: int = 360, height: int = 640,
                   lang: str = "vi"):
    """Start headless Chromium through ChromeDriver, with performance logging on.

    `lang` is the browser's language (sent as Accept-Language): Vietnamese, like the phones
    of the people who use the app, unless a test asks for another.
    """
    options = webdriver.ChromeOptions()
    # Both paths given, so Selenium Manager is never asked to find (or fetch) a browser.
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument(f"--lang={lang}")
    prefs = {"intl.accept_languages": lang}
    if not js:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver, width: int, height: int) -> None:
    """Make the viewport exactly `width`×`height` CSS pixels.

    Headless Chromium will not make a window narrower than 500 px, so the size is emulated.
    Desktop emulation (mobile=False) is deliberate: in mobile mode Chromium zooms out to fit
    content that overflows, which would hide exactly the horizontal scroll we look for.
    """
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def reset_browser(driver, origin: str, width: int = 360, height: int = 640) -> None:
    """Make a used browser like a new one for the next test, at a fraction of a new one's cost.

    Closes extra windows, forgets cookies, cache and everything `origin` stored (local storage,
    IndexedDB, service workers, Cache Storage), and sets the viewport back.
    """
    first, *others = driver.window_handles
    for handle in others:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(first)
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    set_viewport(driver, width, height)
    driver.get_log("performance")


def javascript_enabled(driver) -> bool:
    """Does the page's own script run? (ChromeDriver's scripts run even when it does not.)"""
    driver.get("data:text/html,<title>off</title><script>document.title='on'</script>")
    return driver.title == "on"


def wait_for(driver, condition, timeout: float = 5, message: str = ""):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, message)


def sign_in(driver, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait until the app has let us in."""
    driver.get(f"{base_url}/login")
    driver.find_element("id", "username").send_keys(username)
    driver.find_element("id", "password").send_keys(password)
    driver.find_element("css selector", "main form [type=submit]").click()
    wait_for(driver, lambda d: urlsplit(d.current_url).path != "/login"
             or d.find_elements("css selector", ".error-summary"))
    if urlsplit(driver.current_url).path == "/login":
        summary = driver.find_element("css selector", ".error-summary").text
        raise AssertionError(f"signing in as {username} failed: {summary}")


def focused(driver) -> str:
    """Describe the focused element: its id, else its tag and text."""
    return driver.execute_script(
        "const e = document.activeElement;"
        "return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim();")


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self):
        return f"{self.rule} ({self.impact}): {self.help} — {', '.join(self.targets)}"


def axe_violations(driver, tags=WCAG22_AA, rules=()) -> list[Violation]:
    """Run axe-core on the loaded page, limited to rules with these tags (or these rule ids).

    axe needs the page's JavaScript (its checks wait on timers), so on a page opened with
    JavaScript disabled use `axe_violations_of_js_off_page`.
    """
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(AXE_TIMEOUT)
    try:
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: arguments[0], resultTypes: ['violations']})"
            "  .then(r => done(r.violations.map(v => ({rule: v.id, impact: v.impact || '', help: v.help,"
            "      targets: v.nodes.map(n => n.target.join(' '))}))))"
            "  .catch(e => done({error: String(e)}));",
            {"type": "rule", "values": list(rules)} if rules else {"type": "tag", "values": list(tags)})
    except TimeoutException:
        raise RuntimeError(f"axe-core did not finish within {AXE_TIMEOUT} s: "
                           "is JavaScript disabled on this page?") from None
    if isinstance(result, dict):
        raise RuntimeError(f"axe-core failed: {result['error']}")
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in result]


def axe_violations_of_js_off_page(js_off_driver, js_on_driver, tags=WCAG22_AA, rules=()) -> list[Violation]:
    """Run axe on the page a JavaScript-less browser shows, by opening it in a second browser.

    The second browser (JavaScript on) gets the first one's cookies, so it sees the same page
    as the same user; the app serves the same HTML whether or not the browser runs scripts.
    """
    url = js_off_driver.current_url
    parts = urlsplit(url)
    js_on_driver.get(f"{parts.scheme}://{parts.netloc}/")  # add_cookie needs a page of its site open
    for cookie in js_off_driver.get_cookies():
        js_on_driver.add_cookie(cookie)
    js_on_driver.get(url)
    return axe_violations(js_on_driver, tags, rules)


@dataclass(frozen=True)
class PageWeight:
    responses: tuple[tuple[str, int], ...]  # (URL, bytes as transferred: headers + encoded body)
    host: str

    @property
    def encoded_bytes(self) -> int:
        return sum(size for _, size in self.responses)

    @property
    def requests(self) -> int:
        return len(self.responses)

    @property
    def other_hosts(self) -> tuple[str, ...]:
        """URLs fetched from anywhere but the page's own host."""
        return tuple(url for url, _ in self.responses if urlsplit(url).netloc != self.host)


def transferred_bytes(driver, url: str) -> PageWeight:
    """Load `url` with an empty cache and add up what every response cost on the wire.

    Reads Chrome's performance log: Network.loadingFinished's encodedDataLength per request,
    plus the encoded length of every redirect on the way.
    """
    driver.get_log("performance")  # drop what earlier loads left there
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        driver.get(url)
        sent, done, sizes = {}, set(), {}
        quiet_since = [time.monotonic()]

        def settled(d):
            entries = d.get_log("performance")
            if entries:
                quiet_since[0] = time.monotonic()
            for entry in entries:
                message = json.loads(entry["message"])["message"]
                method, params = message["method"], message.get("params", {})
                rid = params.get("requestId")
                if method == "Network.requestWillBeSent":
                    if params["request"]["url"].startswith(("http:", "https:")):
                        sent.setdefault(rid, []).append(params["request"]["url"])
                    redirect = params.get("redirectResponse")
                    if redirect:
                        sizes[rid] = sizes.get(rid, 0) + int(redirect.get("encodedDataLength", 0))
                elif method == "Network.loadingFinished":
                    sizes[rid] = sizes.get(rid, 0) + int(params["encodedDataLength"])
                    done.add(rid)
                elif method == "Network.loadingFailed":
                    done.add(rid)
            # Some requests (the favicon) start only after the load event: wait for a quiet spell.
            return (d.execute_script("return document.readyState") == "complete"
                    and set(sent) <= done and time.monotonic() - quiet_since[0] > QUIET_SECONDS)

        wait_for(driver, settled, message=f"loading {url} did not finish")
    finally:
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    return PageWeight(
        responses=tuple((sent[rid][-1], sizes.get(rid, 0)) for rid in sent),
        host=urlsplit(url).netloc,
    )


def screenshot(driver, name: str) -> Path:
    """Save the whole page (not only the viewport) as artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def no_horizontal_scroll(driver) -> bool:
    """Is the page no wider than the viewport?"""
    return driver.execute_script(
        "const root = document.documentElement;"
        "return root.scrollWidth <= Math.min(window.innerWidth, root.clientWidth);")


def overflowing(driver) -> list[str]:
    """Describe the outermost elements sticking out past the viewport's right edge."""
    return driver.execute_script(
        "const width = document.documentElement.clientWidth;"
        "const over = e => e.getBoundingClientRect().right > width + 0.5;"
        "return [...document.body.querySelectorAll('*')]"
        "  .filter(e => over(e) && !over(e.parentElement)).slice(0, 10)"
        "  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
        "    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '')"
        "    + ' (right edge at ' + Math.round(e.getBoundingClientRect().right) + ' px)');")
