"""Fetching a company from PRH's open data API (YTJ v3), at the base URL the settings name.

`REKISTERI_YTJ_URL` (default PRH's own address) lets an operator point at a mirror and the
tests at a local server with recorded responses; `REKISTERI_YTJ_TIMEOUT` is the seconds one
request may take. A failure says which business ID it was for and what went wrong, never a
traceback: the register being down is a normal day.
"""

from __future__ import annotations

import socket
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

from rekisteri.enrichment.sources import RegisterCompany, check_ytunnus, parse_prh

USER_AGENT = "Rekisteri (trade register enrichment)"


class FetchError(RuntimeError):
    """The register could not be asked, or did not answer for this business ID."""


def ytj_url(business_id: str) -> str:
    base = settings.YTJ_URL.rstrip("/")
    return f"{base}/companies?{urlencode({'businessId': business_id})}"


def fetch_ytj(business_id: str) -> RegisterCompany:
    """The company with this Y-tunnus from PRH, checked (SourceError for a bad ID or a
    response not in PRH's format, FetchError when the register does not answer)."""
    business_id = check_ytunnus(business_id, "--fetch")
    url = ytj_url(business_id)
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{business_id}: REKISTERI_YTJ_URL must be an http:// or https:// address")
    # S310: the scheme is checked just above (no file: or custom schemes)
    request = Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})  # noqa: S310
    try:
        with urlopen(request, timeout=settings.YTJ_TIMEOUT) as response:  # noqa: S310
            body = response.read().decode("utf-8")
    except HTTPError as exc:
        if exc.code == 404:
            raise FetchError(
                f"{business_id}: the trade register has no company with this business ID"
            ) from None
        raise FetchError(
            f"{business_id}: the trade register answered HTTP {exc.code} {exc.reason}"
        ) from None
    except TimeoutError:
        raise FetchError(
            f"{business_id}: the trade register did not answer within {settings.YTJ_TIMEOUT} s"
        ) from None
    except URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise FetchError(
                f"{business_id}: the trade register did not answer within {settings.YTJ_TIMEOUT} s"
            ) from None
        raise FetchError(
            f"{business_id}: the trade register could not be reached ({reason})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(
            f"{business_id}: reading the trade register's answer failed ({exc})"
        ) from None
    companies = parse_prh(body, f"the answer for {business_id}")
    found = [c for c in companies if c.business_id == business_id]
    if not found:
        raise FetchError(f"{business_id}: the trade register has no company with this business ID")
    return found[0]
