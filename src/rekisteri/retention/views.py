"""Staff pages of retention: the sweep's status and plan (DPO, administrator), legal holds
(DPO), and the review list of what may be outdated (staff who keep contact details)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import Actor, actor_of
from rekisteri.register.models import Controller, Organization, Person
from rekisteri.retention import review, selectors, services
from rekisteri.retention.models import LegalHold, ReviewDecision, SweepRun


def _actor(request: HttpRequest) -> Actor:
    return actor_of(request.user, ip=request.META.get("REMOTE_ADDR"))


@requires(Cap.VIEW_RETENTION_STATUS)
def status(request: HttpRequest) -> HttpResponse:
    runs = list(SweepRun.objects.order_by("-started_at", "-id")[:20])
    plan = selectors.retention_plan(horizon_days=30)
    context = {
        "last": services.latest_run(),
        "runs": runs,
        "plan": plan,
        "rules": plan.by_rule(),
    }
    return render(request, "retention/status.html", context)


@requires(Cap.MANAGE_LEGAL_HOLDS)
def holds(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    error = ""
    if request.method == "POST":
        target = request.POST.get("target", "")
        reason = request.POST.get("reason", "").strip()
        until_raw = request.POST.get("until", "").strip()
        controller = Controller.objects.filter(pk__in=scope.controller_ids).first()
        try:
            until = date.fromisoformat(until_raw) if until_raw else None
            if not reason:
                raise ValueError(_("reason: is required"))
            kind, _sep, ident = target.partition(":")
            person = organization = None
            record = ""
            if kind == "person" and ident.isdigit():
                person = get_object_or_404(
                    Person, pk=int(ident), controller_id__in=scope.controller_ids
                )
                controller = person.controller
            elif kind == "organization" and ident.isdigit():
                organization = get_object_or_404(
                    Organization, pk=int(ident), controller_id__in=scope.controller_ids
                )
                controller = organization.controller
            elif kind == "record" and ":" in ident:
                record = ident
            else:
                raise ValueError(
                    _("target: give person:ID, organization:ID or record:app.Model:ID")
                )
            services.legal_hold_place(
                actor=_actor(request),
                controller=controller,
                reason=reason,
                person=person,
                organization=organization,
                record=record,
                until=until,
            )
        except ValueError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The legal hold was placed."))
            return redirect("retention:holds")
    context = {"holds": selectors.legal_hold_list(), "error": error}
    return render(request, "retention/holds.html", context, status=422 if error else 200)


@require_POST
@requires(Cap.MANAGE_LEGAL_HOLDS)
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    scope = scope_of(request)
    hold = get_object_or_404(
        LegalHold, pk=hold_id, controller_id__in=scope.visible_controller_ids()
    )
    services.legal_hold_release(actor=_actor(request), hold=hold)
    messages.success(request, _("The legal hold was released."))
    return redirect("retention:holds")


@requires(Cap.REVIEW_RETENTION)
def review_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    items = review.review_list(scope=scope)
    context = {"items": items, "rules": review.RULES, "decisions": ReviewDecision.choices}
    return render(request, "retention/review.html", context)


@require_POST
@requires(Cap.REVIEW_RETENTION)
def review_decide(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    try:
        end_raw = request.POST.get("end", "").strip()
        review.review_decide(
            actor=_actor(request),
            scope=scope,
            kind=request.POST.get("kind", ""),
            pk=int(request.POST.get("id", "0") or 0),
            decision=request.POST.get("decision", ""),
            rule=request.POST.get("rule", ""),
            value=request.POST.get("value", ""),
            end=date.fromisoformat(end_raw) if end_raw else None,
        )
    except (review.ReviewError, ValueError) as exc:
        messages.error(request, str(exc))
    except ProcessingRefused as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("retention:review")
