"""Staff pages of the breach register: any staff member reports, the DPO manages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of, staff
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.breaches import selectors, services
from rekisteri.breaches.forms import BreachForm
from rekisteri.breaches.models import Breach, ClockState
from rekisteri.common.client import client_ip


def _actor(request: HttpRequest):  # type: ignore[no-untyped-def]
    return actor_of(request.user, ip=client_ip(request))


def _show_errors(form: BreachForm, exc: services.BreachError) -> None:
    for key, message in exc.errors.items():
        form.add_error(key if key in form.fields else None, message)


@requires(Cap.KEEP_BREACH_REGISTER)
def breach_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    now = timezone.now()
    rows = [
        {
            "b": b,
            "clock": b.clock(now),
            "clock_label": ClockState(b.clock(now)).label,
            "hours_left": b.hours_left(now),
        }
        for b in selectors.breach_list(scope=scope)[:500]
    ]
    return render(request, "breaches/breach_list.html", {"rows": rows})


@staff
def breach_report(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    form = BreachForm(
        request.POST or None, scope=scope, report_only=not scope.can(Cap.KEEP_BREACH_REGISTER)
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach = services.breach_record(
                scope=scope, actor=_actor(request), data=form.cleaned_data
            )
        except services.BreachError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The breach is recorded; the DPO has been told."))
            if scope.can(Cap.KEEP_BREACH_REGISTER):
                return redirect("breaches:detail", breach_id=breach.pk)
            return redirect("staff:home")
    return render(request, "breaches/breach_form.html", {"form": form, "breach": None})


@requires(Cap.KEEP_BREACH_REGISTER)
def breach_detail(request: HttpRequest, breach_id: int) -> HttpResponse:
    scope = scope_of(request)
    try:
        breach = selectors.breach_get(scope=scope, breach_id=breach_id)
    except Breach.DoesNotExist as exc:
        raise Http404 from exc
    form = BreachForm(request.POST or None, instance=breach, scope=scope)
    if request.method == "POST":
        if request.POST.get("estimate"):
            services.breach_estimate(scope=scope, actor=_actor(request), breach=breach)
            messages.success(request, _("Numbers estimated from the register."))
            return redirect("breaches:detail", breach_id=breach.pk)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.fields}
            breach.refresh_from_db()
            try:
                services.breach_update(scope=scope, actor=_actor(request), breach=breach, data=data)
            except services.BreachError as exc:
                _show_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("breaches:detail", breach_id=breach.pk)
    now = timezone.now()
    return render(
        request,
        "breaches/breach_form.html",
        {
            "form": form,
            "breach": breach,
            "clock": breach.clock(now),
            "clock_label": ClockState(breach.clock(now)).label,
            "hours_left": breach.hours_left(now),
        },
    )


@requires(Cap.KEEP_BREACH_REGISTER)
def breach_affected(request: HttpRequest, breach_id: int) -> HttpResponse:
    scope = scope_of(request)
    try:
        breach = selectors.breach_get(scope=scope, breach_id=breach_id)
    except Breach.DoesNotExist as exc:
        raise Http404 from exc
    # The list names persons: only those of the user's own group companies.
    affected = selectors.breach_affected(breach=breach, controller_ids=scope.controller_ids)
    ids = sorted(affected.person_ids)
    if ids:
        audit_record(
            actor=_actor(request),
            action=AuditAction.LIST,
            person_ids=ids[:10000],
            categories=breach.categories,
            purpose=work_purpose(scope, Cap.KEEP_BREACH_REGISTER),
            reason=f"people affected by breach {breach.pk}",
            detail={"persons": len(ids), "records": affected.records},
        )
    return render(
        request,
        "breaches/breach_affected.html",
        {"breach": breach, "affected": affected, "ids": ids[:1000], "total": len(ids)},
    )
