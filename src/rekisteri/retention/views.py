"""Staff pages of retention: the sweep's status and plan (DPO, administrator), legal holds
(DPO), and the review list of what may be outdated (staff who keep contact details).

Holds are the user's own group companies': another company's hold is not listed, and
releasing it is 404, as if it did not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import Actor, actor_of
from rekisteri.catalogue.selectors import catalogue_snapshot, in_language
from rekisteri.common.client import client_ip
from rekisteri.register.models import Organization, Person
from rekisteri.retention import review, selectors, services
from rekisteri.retention.models import ReviewDecision, SweepRun
from rekisteri.rights.report import RECORD_NAMES, retention_words


def _actor(request: HttpRequest) -> Actor:
    return actor_of(request.user, ip=client_ip(request))


ACTIONS = {"delete": gettext_lazy("Delete"), "anonymise": gettext_lazy("Anonymise")}


@dataclass(frozen=True)
class RuleWords:
    """A catalogue retention rule as a page says it: its data category and its rule in the
    catalogue's words (or the period in words), never its code."""

    category: str
    rule: str
    law: str


def _rule_words(lang: str) -> dict[str, RuleWords]:
    snap = catalogue_snapshot()
    out = {}
    for category, rules in snap.retention.items():
        c = snap.categories.get(category)
        name = in_language(c.name, lang) if c else category
        for rule in rules:
            out[rule.code] = RuleWords(name, retention_words(rule, lang), rule.law(lang))
    return out


#: the staff's names of records where the person's report says "your …"
STAFF_RECORD_NAMES = {
    "register.Person": gettext_lazy("Person"),
    "rights.RightsRequest": gettext_lazy("Data subject request"),
}


def _model_words(label: str) -> str:
    """A kind of record in the user's language (the models' own names are English)."""
    name = STAFF_RECORD_NAMES.get(label) or RECORD_NAMES.get(label)
    if name:
        return str(name)
    try:
        return str(capfirst(apps.get_model(label)._meta.verbose_name_plural))
    except (LookupError, ValueError):
        return label


@requires(Cap.VIEW_RETENTION_STATUS)
def status(request: HttpRequest) -> HttpResponse:
    runs = list(SweepRun.objects.order_by("-started_at", "-id")[:20])
    plan = selectors.retention_plan(horizon_days=30)
    words = _rule_words(get_language() or "fi")
    last = services.latest_run()
    lines = [
        {
            "rule": words.get(line.rule_code),
            "model": _model_words(line.model),
            "action": ACTIONS.get(line.action, line.action),
            "due_now": line.due_now,
            "due_next": line.due_next,
        }
        for line in plan.lines
    ]
    swept = [
        {
            "rule": words.get(code),
            "deleted": c.get("deleted", 0),
            "anonymised": c.get("anonymised", 0),
        }
        for code, c in (last.counts.items() if last else [])
        if code != "_by_model" and isinstance(c, dict)
    ]
    from rekisteri.audit.selectors import PROCESS_ACTORS

    # Who ran a sweep: a staff user by name, the system's own runs in words.
    for run in runs:
        run.actor_words = str(PROCESS_ACTORS.get(run.actor, run.actor))
    context = {
        "last": last,
        "runs": runs,
        "plan": plan,
        "lines": lines,
        "swept": swept,
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
        try:
            try:
                until = date.fromisoformat(until_raw) if until_raw else None
            except ValueError as exc:
                raise services.HoldError(_("until: give a date like 2027-12-31")) from exc
            kind, _sep, ident = target.partition(":")
            person = organization = None
            record = ""
            if kind == "person" and ident.isdigit():
                person = Person.objects.filter(pk=int(ident)).first()
            elif kind in ("organisation", "organization") and ident.isdigit():
                organization = Organization.objects.filter(pk=int(ident)).first()
            elif kind == "record" and ":" in ident:
                record = ident
            else:
                raise services.HoldError(
                    _("target: give person:ID, organisation:ID or record:app.Model:ID")
                )
            if (
                kind in ("person", "organisation", "organization")
                and person is None
                and organization is None
            ):
                raise services.HoldError(
                    _("target: no such record in the register of your group company")
                )
            # The service checks that the target is the user's own group company's.
            services.legal_hold_place(
                scope=scope,
                actor=_actor(request),
                reason=reason,
                person=person,
                organization=organization,
                record=record,
                until=until,
            )
        except services.HoldError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The legal hold was placed."))
            return redirect("retention:holds")
    context = {"holds": selectors.legal_hold_list(scope=scope), "error": error}
    return render(request, "retention/holds.html", context, status=422 if error else 200)


@require_POST
@requires(Cap.MANAGE_LEGAL_HOLDS)
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    scope = scope_of(request)
    hold = services.legal_hold_get(scope=scope, hold_id=hold_id)
    try:
        services.legal_hold_release(scope=scope, actor=_actor(request), hold=hold)
    except ProcessingRefused as exc:  # released or moved meanwhile: as if it did not exist
        raise Http404("no such legal hold") from exc
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
