"""Behind a reverse proxy (issue 14, item 19): with TRUSTED_PROXY_HOPS = 1 the app sees the
citizen's address and scheme from the proxy's X-Forwarded-* headers; with the default 0 it ignores
them, so a client cannot choose its own address.

The app runs in a real HTTP server and a small reverse proxy (like nginx's proxy_pass with
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for) forwards to it; clients reach the
proxy from distinct loopback addresses (127.0.0.3, 127.0.0.4) and the proxy reaches the app from
127.0.0.1.
"""
import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from survey import create_app
from tests.survey.conftest import PASSWORD, post_form


class _Proxy(BaseHTTPRequestHandler):
    upstream_port = 0

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "host")}
        earlier, client = self.headers.get("X-Forwarded-For"), self.client_address[0]
        headers["X-Forwarded-For"] = f"{earlier}, {client}" if earlier else client
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-Host"] = self.headers["Host"]
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = _forward

    def log_message(self, *args):
        pass


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def behind_proxy(app, make_user, database_url, instance_path):
    """(proxy port, app port) with a real app server that trusts one proxy hop."""
    make_user("viewer")
    proxied = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance_path,
                          "SECRET_KEY": "test-secret-key", "TRUSTED_PROXY_HOPS": 1}, strict=True)
    app_server = _serve(make_server("127.0.0.1", 0, proxied, threaded=True))
    handler = type("Proxy", (_Proxy,), {"upstream_port": app_server.server_port})
    proxy = _serve(ThreadingHTTPServer(("127.0.0.1", 0), handler))
    yield proxy.server_port, app_server.server_port
    for server in (proxy, app_server):
        server.shutdown()
        server.server_close()
    proxied.extensions["db_engine"].dispose()


class Browser:
    """Just enough of a browser: keeps the cookies, connects from one source address."""

    def __init__(self, port, source):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method, path, form=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                source_address=(self.source, 0))
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # Over HTTPS Flask-WTF also checks that the form came from this site.
            sent["Referer"] = f"https://127.0.0.1:{self.port}/login"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.text = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response

    def sign_in(self, password, headers=None):
        page = self.request("GET", "/login", headers=headers).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.request("POST", "/login", {"csrf_token": token, "username": "viewer",
                                               "password": password}, headers=headers)


def test_behind_the_proxy_the_app_sees_each_citizens_address(app, behind_proxy):
    proxy_port, _ = behind_proxy
    first, second = Browser(proxy_port, "127.0.0.3"), Browser(proxy_port, "127.0.0.4")
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert first.sign_in("wrong password").status == 401
    assert first.sign_in("wrong password").status == 429
    # Were the proxy's address seen, both clients would be one and the second would wait too.
    response = second.sign_in(PASSWORD)
    assert response.status == 302
    # The scheme comes from X-Forwarded-Proto: HTTPS, so HSTS is sent.
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=")


def test_a_direct_client_cannot_choose_its_address(app, client, make_user):
    """With the default of no trusted proxy, X-Forwarded-For is ignored."""
    make_user("viewer")
    statuses = [post_form(client, "/login", {"username": "viewer", "password": "nope"},
                          headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
                for n in range(app.config["LOGIN_FREE_FAILURES"] + 1)]
    assert statuses[-1] == 429
