"""The client's address, decided once: for the audit trail, the login lockout and the rate
limits.

Without `BEHIND_PROXY` the address is the TCP peer's (`REMOTE_ADDR`) and forwarding headers
are ignored: anyone can write an `X-Forwarded-For`. Behind reverse proxies
(`BEHIND_PROXY=true`), each proxy appends the address it received the request from, so the
chain is `X-Forwarded-For` + the peer; the client is the first address, counted from the
right, that is not one of our proxies: the entries named in `REKISTERI_TRUSTED_PROXIES`
(comma-separated addresses or networks), or else the last `REKISTERI_PROXY_COUNT` hops
(default 1: one proxy in front of us). Whatever the client wrote further left is never
believed.

(django-ipware was tried first: its right-most proxy-count reading answered None or a proxy's
address for the usual one-proxy chain, so this small reading is ours, and tested.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _trusted(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, or None when it cannot be told."""
    peer = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_PROXY", False) or peer is None:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [a.strip() for a in forwarded.split(",") if a.strip()] + [peer]
    trusted = [
        ipaddress.ip_network(p, strict=False) for p in getattr(settings, "TRUSTED_PROXIES", [])
    ]
    if trusted:
        for address in reversed(chain):
            if not _trusted(address, trusted):
                return address if _is_address(address) else None
        return chain[0]
    hops = max(1, int(getattr(settings, "PROXY_COUNT", 1)))
    address = chain[-(hops + 1)] if len(chain) > hops else chain[0]
    return address if _is_address(address) else None


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address as everywhere else."""
    return client_ip(request)
