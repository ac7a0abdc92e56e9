"""Who is asking, without storing who it is: daily-rotating keyed hashes of the client.

Within one local day a key links a client's requests (login throttling, citizen rate limits
and flags); across days it does not, and the raw address is never stored anywhere.

`network_key` hashes only the network a request comes from (an IPv4 address; an IPv6 /64, the
block one household or phone is given): nothing the client sends can change it. `client_key`
and `device_key` add the browser's User-Agent, which the client chooses: they may tell two
phones behind one address apart, but a limit keyed on them alone can be reset at will.
"""
import hashlib
import hmac
import ipaddress
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request

IPV6_NETWORK_BITS = 64


def local_now(now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"]))


def _keyed(now: datetime, who: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    salt = hmac.new(secret, f"client-key:{local_now(now).date()}".encode(), hashlib.sha256).digest()
    return hmac.new(salt, who.encode(), hashlib.sha256).hexdigest()


def network_of(address: str | None) -> str:
    """The network an address stands for: an IPv4 address itself, the /64 of an IPv6 one."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_NETWORK_BITS), strict=False))
    return str(ip)


def network_key(now: datetime) -> str:
    return _keyed(now, f"net|{network_of(request.remote_addr)}")


def device_key(now: datetime) -> str:
    return _keyed(now, f"dev|{network_of(request.remote_addr)}|{request.user_agent.string}")


def client_key(now: datetime) -> str:
    return _keyed(now, f"{request.remote_addr}|{request.user_agent.string}")
