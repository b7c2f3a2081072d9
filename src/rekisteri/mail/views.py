"""The staff page of messages that could not be sent (the dead letters): kind, masked
recipient, what went wrong, attempts; retry or discard. Never the message's content."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.mail import selectors, services

#: what went wrong, by the code the sender records (no personal data in either)
ERRORS = {
    "refused": gettext_lazy("The mail server refused the message"),
    "sender_refused": gettext_lazy("The mail server refused the sender address"),
    "unreachable": gettext_lazy("The mail server could not be reached"),
    "connection_lost": gettext_lazy(
        "The connection broke while the message was being handed over: it may have arrived"
    ),
    "interrupted": gettext_lazy(
        "The sender stopped while handing the message over: it may have arrived"
    ),
    "unbuildable": gettext_lazy("The message could not be put together"),
    "backend_error": gettext_lazy("The mail backend failed"),
}


def error_text(code: str) -> str:
    name, _sep, smtp = (code or "").partition(" ")
    text = str(ERRORS.get(name, _("Unknown error")))
    return f"{text} ({smtp})" if smtp else text


@requires(Cap.MANAGE_MAIL_OUTBOX)
def failed(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    rows = [
        {
            "pk": m.pk,
            "kind": m.get_kind_display(),
            "status": m.get_status_display(),
            "recipient": selectors.masked(m.to_address),
            "error": error_text(m.last_error),
            "attempts": m.attempts,
            "created_at": m.created_at,
            "failed_at": m.failed_at,
        }
        for m in selectors.failed_list(scope=scope)
    ]
    counts = selectors.outbox_counts(scope=scope)
    context = {"rows": rows, "waiting": counts.get("queued", 0) + counts.get("claimed", 0)}
    return render(request, "mail/failed.html", context)


@require_POST
@requires(Cap.MANAGE_MAIL_OUTBOX)
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    actor = actor_of(request.user, ip=client_ip(request))
    services.message_retry(scope=scope_of(request), actor=actor, message_id=message_id)
    messages.success(request, _("The message will be sent again."))
    return redirect("mail:failed")


@require_POST
@requires(Cap.MANAGE_MAIL_OUTBOX)
def discard(request: HttpRequest, message_id: int) -> HttpResponse:
    actor = actor_of(request.user, ip=client_ip(request))
    services.message_discard(scope=scope_of(request), actor=actor, message_id=message_id)
    messages.success(request, _("The message was discarded."))
    return redirect("mail:failed")
