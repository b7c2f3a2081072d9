"""The access log of `rekisteri serve`: one line a request, without personal data.

A line holds the method, the route the request matched with its numeric ids filled in
(`/staff/register/persons/42/`; a token, a search term or any other text in the path stays
`<token>`), the status and the time taken. Never the query string (search terms, e-mail
addresses), never a user name, never a client address. A path that matched no route is
logged as `-`: what someone typed into a URL may be anything. Static files are logged as
their path (they are ours).

The logger is `rekisteri.access`; it writes at INFO, which `rekisteri serve` switches on
(the settings leave it at WARNING, so tests and management commands stay quiet).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("rekisteri.access")

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_ID = re.compile(r"[0-9]{1,19}")


def loggable_path(request: HttpRequest) -> str:
    """The request's path as the access log may show it (see the module's doc)."""
    static = settings.STATIC_URL or "/static/"
    if request.path.startswith(static):
        return request.path
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "-"
    kwargs = match.kwargs

    def fill(m: re.Match[str]) -> str:
        value = kwargs.get(m["name"])
        if isinstance(value, int) or (isinstance(value, str) and _ID.fullmatch(value)):
            return str(value)
        return f"<{m['name']}>"

    route = match.route
    if route.startswith("^") or "(?P" in route:  # a regular expression: keep it as the template
        return "/" + route.lstrip("^").rstrip("$")
    return "/" + _PARAMETER.sub(fill, route)


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not logger.isEnabledFor(logging.INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            loggable_path(request),
            response.status_code,
            elapsed,
        )
        return response
