"""How long a sign-in attempt must wait, so that guessing is slow but nobody can lock anyone out.

Failures are counted per (username, client) pair and each one past the first few doubles the wait
of that pair alone: a stranger failing on purpose slows only themselves. A client is its network
address (an IPv6 client its /64), never a header it chooses; one address failing on many accounts
waits too. A browser where the account signed in before carries a signed "known device" cookie:
it is its own client and is not held back by failures elsewhere, so when the account is attacked
from many addresses at once (over LOGIN_MAX_FAILURES_PER_USER failures in the window) only new
clients are made to wait — OWASP's device-cookie scheme.
"""
import hashlib
import hmac
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadData, URLSafeSerializer

from survey.auth.queries import query_failures
from survey.client_key import local_now

DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_DAYS = 365
MAX_ACCOUNTS_PER_DEVICE = 8


@dataclass(frozen=True)
class Client:
    key: str          # stored with the attempt: a keyed hash, never the address itself
    known: bool       # a device this account signed in from before


def _hash(purpose: str, value: str, now: datetime) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    salt = hmac.new(secret, f"{purpose}:{local_now(now).date()}".encode(), hashlib.sha256).digest()
    return hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()


def network_address() -> str:
    """The client's address; for IPv6 its /64, which one subscriber usually holds whole."""
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _device() -> dict:
    try:
        device = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadData:
        return {}
    return device if isinstance(device, dict) else {}


def client_for(user_id: int | None, now: datetime) -> Client:
    device = _device()
    if user_id is not None and user_id in device.get("users", ()):
        return Client(_hash("login-device", str(device.get("id")), now), True)
    return Client(_hash("login-address", network_address(), now), False)


def device_cookie(user_id: int) -> str:
    """The known-device cookie value after `user_id` signed in on this browser."""
    device = _device()
    users = [u for u in device.get("users", []) if u != user_id][-(MAX_ACCOUNTS_PER_DEVICE - 1):]
    return _serializer().dumps({"id": device.get("id") or secrets.token_hex(16),
                                "users": [*users, user_id]})


def wait_seconds(username: str, client: Client, now: datetime) -> int:
    """Seconds this client must still wait before trying `username` again (0: may try now)."""
    config = current_app.config
    since = now - timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    pair = query_failures(since, username=username, client_key=client.key)
    waits = []
    if pair.count >= config["LOGIN_FREE_FAILURES"]:
        delay = min(config["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** (pair.count - config["LOGIN_FREE_FAILURES"]),
                    config["LOGIN_MAX_DELAY_SECONDS"])
        waits.append(delay - (now - pair.last).total_seconds())
    if not client.known:
        per_client = query_failures(since, client_key=client.key)
        per_user = query_failures(since, username=username)
        for total, limit in ((per_client, "LOGIN_MAX_FAILURES_PER_CLIENT"),
                             (per_user, "LOGIN_MAX_FAILURES_PER_USER")):
            if total.count >= config[limit]:
                waits.append((total.first - since).total_seconds())
    return max([0, *(math.ceil(w) for w in waits if w > 0)])
