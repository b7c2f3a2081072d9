"""The screening review queue: open hits with their score and why, and a hit's page where
compliance decides it (only with the customer-screening capability)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.screening import selectors, services
from rekisteri.screening.forms import DecideForm
from rekisteri.screening.models import SubjectKind


@requires(Cap.SCREEN_CUSTOMERS)
def queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.open_hits(
        scope=scope_of(request), actor=actor_of(request.user, ip=client_ip(request))
    )
    return render(request, "screening/queue.html", {"rows": rows})


@requires(Cap.SCREEN_CUSTOMERS)
def hit(request: HttpRequest, kind: str, hit_id: int) -> HttpResponse:
    if kind not in SubjectKind.values:
        raise Http404
    scope = scope_of(request)
    actor = actor_of(request.user, ip=client_ip(request))
    form = DecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hit_decide(
                scope=scope,
                actor=actor,
                kind=kind,
                hit_id=hit_id,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except services.ScreeningError as exc:
            if exc.field == "hit":
                raise Http404 from None
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ProcessingRefused as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("screening:queue")
    try:
        shown = selectors.hit_get(scope=scope, actor=actor, kind=kind, hit_id=hit_id)
    except services.ScreeningError:
        raise Http404 from None
    return render(request, "screening/hit.html", {**shown, "form": form})
