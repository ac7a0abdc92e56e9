"""The page a citizen sees after scanning, rendered once per service point and language.

Every scan of a poster shows the same page but for two values: the new response's id and the
CSRF token. Rendering it through Jinja and WTForms took about a quarter of the CPU of a whole
rating (GET form + POST answer, benchmarks/bench_qr_load.py), so the page is kept with markers
in place of those two values and filled in per scan.
"""
import uuid

from flask import current_app
from flask_wtf.csrf import generate_csrf

RESPONSE_MARK = "response-id-mark"
TOKEN_MARK = "csrf-token-mark"
MAX_PAGES = 2_000  # service points × languages; more only if codes churn


def first_page(key: tuple, render) -> str:
    """`render(response_uuid, csrf_token)` → HTML, called with the markers once per `key`.

    `key` must hold everything the page shows besides the two markers (service point as
    read, questionnaire version, languages, path). Templates edited while the app runs
    (auto reload) are rendered every time.
    """
    if current_app.jinja_env.auto_reload:
        return render(str(uuid.uuid4()), generate_csrf())
    cache = current_app.extensions.setdefault("first_page_cache", {})
    page = cache.get(key)
    if page is None:
        if len(cache) >= MAX_PAGES:
            cache.clear()
        page = cache[key] = render(RESPONSE_MARK, TOKEN_MARK)
    return page.replace(RESPONSE_MARK, str(uuid.uuid4())).replace(TOKEN_MARK, generate_csrf())
