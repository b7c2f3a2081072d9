"""Security middleware: headers and CSP, the idle session timeout, the second factor, and
refusals.

- SecurityHeadersMiddleware: a strict content security policy (no inline script, no
  third-party anything), Permissions-Policy, COOP; Django's SecurityMiddleware adds HSTS,
  nosniff and Referrer-Policy, XFrameOptionsMiddleware adds X-Frame-Options: DENY.
- IdleTimeoutMiddleware: a staff session ends after SESSION_IDLE_SECONDS without a request.
- MfaRequiredMiddleware: one place that holds back a user who must pass a second factor
  (a role with mfa_required, or anyone who has enrolled a device) until they have, in this
  session; only the set-up and verify pages, logout and the language switch are reachable.
- ProcessingRefusedMiddleware: a ProcessingRefused (access.policy) that reaches a view
  becomes a 403 page that says why, so no view needs its own try/except to explain.
- DatabaseBusyMiddleware: a database lock that outlasted the wait (common/busy.py) becomes
  a 503 "try again shortly" page with Retry-After (JSON under /api/).
- SessionMiddleware: Django's, except that a page that only reads is shown even when its
  session (the idle timeout's time stamp) could not be saved under a lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class IdleTimeoutMiddleware:
    """Log a staff user out after SESSION_IDLE_SECONDS without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_SECONDS // 60},
                )
            else:
                request.session["last_seen"] = now
        return self.get_response(request)


#: URL names a user who still owes a second factor may reach
MFA_EXEMPT = frozenset(
    {"access:mfa_setup", "access:mfa_verify", "staff:logout", "staff:login", "set_language"}
)


def mfa_pending(request: HttpRequest) -> bool:
    """True when the logged-in user must still pass a second factor in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_verified", None) is not None and user.is_verified():
        return False
    from django_otp import user_has_device

    from rekisteri.access.selectors import scope_for

    return scope_for(user).mfa_required or user_has_device(user, confirmed=True)


class MfaRequiredMiddleware:
    """Hold a user who owes a second factor at the set-up or verify page (see module doc).

    The API authenticates by token on each call and is not affected; static files neither.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            not path.startswith("/api/")
            and not path.startswith(settings.STATIC_URL)
            and mfa_pending(request)
        ):
            try:
                name = resolve(path).view_name
            except Resolver404:
                name = ""
            if name not in MFA_EXEMPT:
                from django_otp import user_has_device

                target = (
                    "access:mfa_verify"
                    if user_has_device(request.user, confirmed=True)
                    else "access:mfa_setup"
                )
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


class ProcessingRefusedMiddleware:
    """Turn a ProcessingRefused raised in a view into a 403 page with its reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from rekisteri.access.policy import ProcessingRefused

        if isinstance(exception, ProcessingRefused):
            return render(
                request,
                "access/refused.html",
                {"reason": exception.reason, "code": exception.code},
                status=403,
            )
        return None


class DatabaseBusyMiddleware:
    """Turn a database lock that outlasted its wait into a 503 that asks to try again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from rekisteri.common.busy import RETRY_AFTER, database_busy

        if not database_busy(exception):
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": "the database is busy; try again shortly", "code": "busy"},
                status=503,
            )
        else:
            response = render(request, "busy.html", {"seconds": RETRY_AFTER}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware; a read-only page is not refused for its session.

    Every staff request updates the session (the idle timeout's time stamp). When another
    transaction holds the database's write lock that save fails, and Django answers 400
    ("the session was deleted before the request completed"). For a GET or HEAD the page
    itself is whole: it is shown, and only the time stamp is not updated this once."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except SessionInterrupted:
            if request.method in ("GET", "HEAD", "OPTIONS"):
                return response
            raise
