"""Who is asking, without storing who it is: a daily-rotating keyed hash of address and browser.

Within one local day the key links a client's requests (login throttling, citizen rate limits
and flags); across days it does not, and the raw address is never stored anywhere.
"""
import hashlib
import hmac
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request


def local_now(now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"]))


def client_key(now: datetime) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    salt = hmac.new(secret, f"client-key:{local_now(now).date()}".encode(), hashlib.sha256).digest()
    who = f"{request.remote_addr}|{request.user_agent.string}".encode()
    return hmac.new(salt, who, hashlib.sha256).hexdigest()
