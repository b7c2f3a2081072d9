"""Staff pages of the breach register: any staff member reports, the DPO manages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of, staff
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.breaches import selectors, services
from rekisteri.breaches.filters import BreachFilter
from rekisteri.breaches.forms import BreachForm
from rekisteri.breaches.models import Breach, ClockState
from rekisteri.breaches.tables import BreachTable
from rekisteri.common.client import client_ip
from rekisteri.common.pagination import capped_count, configure


def _actor(request: HttpRequest):  # type: ignore[no-untyped-def]
    return actor_of(request.user, ip=client_ip(request))


def _show_errors(form: BreachForm, exc: services.BreachError) -> None:
    for key, message in exc.errors.items():
        form.add_error(key if key in form.fields else None, message)


@requires(Cap.KEEP_BREACH_REGISTER)
def breach_list(request: HttpRequest) -> HttpResponse:
    """The register: filtered by the clock and the risk, newest first, a page at a time;
    a breach whose clock runs can be marked told in place."""
    scope = scope_of(request)
    found = BreachFilter(request.GET, selectors.breach_list(scope=scope))
    table = BreachTable(found.qs)
    if any(found.form.data.get(k) for k in found.filters):
        table.empty_text = _("No breaches match the filters.")
    configure(request, table)
    context = {"table": table, "filter": found, "count": capped_count(found.qs)}
    return render(request, "breaches/breach_list.html", context)


@require_POST
@requires(Cap.KEEP_BREACH_REGISTER)
def breach_authority_told(request: HttpRequest, breach_id: int) -> HttpResponse:
    """Mark the authority told now, from the list: with htmx the clock cell comes back in
    place with the outcome; without JavaScript the list is shown again with a message."""
    scope = scope_of(request)
    try:
        breach = selectors.breach_get(scope=scope, breach_id=breach_id)
    except Breach.DoesNotExist as exc:
        raise Http404 from exc
    failed = False
    try:
        services.breach_authority_told(
            scope=scope,
            actor=_actor(request),
            breach=breach,
            reference=request.POST.get("authority_reference", ""),
            delay_reason=request.POST.get("delay_reason", ""),
        )
        message = _("The authority is marked told.")
    except services.BreachError as exc:
        failed = True
        message = " ".join(str(m) for m in exc.errors.values())
    if not request.htmx:
        (messages.error if failed else messages.success)(request, f"{breach.title}: {message}")
        nxt = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            nxt = reverse("breaches:list")
        return redirect(nxt)
    breach.refresh_from_db()
    context = {
        "record": breach,
        "message": message,
        "failed": failed,
        "next": request.POST.get("next") or "",
    }
    return render(request, "breaches/partials/clock_cell.html", context)


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
