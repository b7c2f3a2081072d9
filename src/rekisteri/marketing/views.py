"""Staff pages of marketing: lists, segments, campaigns (audience, exclusions, progress).

Every list, segment and campaign is looked up through marketing.selectors with the user's
scope: another group company's does not exist for the user (404).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.selectors import Scope
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.common.pagination import capped_count, configure
from rekisteri.consent.selectors import reason_text
from rekisteri.jobs.models import Job
from rekisteri.marketing import selectors, services
from rekisteri.marketing.audience import campaign_audience, excluded_preview
from rekisteri.marketing.compose import LANGUAGES, MAX_RATE, PLACEHOLDERS, previews
from rekisteri.marketing.filters import CampaignFilter
from rekisteri.marketing.jobs import campaign_enqueue, campaign_job_key
from rekisteri.marketing.models import (
    Campaign,
    CampaignPurpose,
    OptIn,
    RecipientStatus,
    SubscriptionStatus,
)
from rekisteri.marketing.processing import purpose_of
from rekisteri.marketing.segments import RULES
from rekisteri.marketing.tables import CampaignTable
from rekisteri.register.models import Controller


def _gated(capability: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The gate's declaration, with the user's scope passed to the view."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @requires(capability)
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, scope_of(request), *args, **kwargs)  # type: ignore[attr-defined]

        return wrapper

    return decorate


marketers_only = _gated(Cap.SEND_DIRECT_MARKETING)
profilers_only = _gated(Cap.PROFILE_SEGMENTS)


def _actor(request: HttpRequest, scope: Scope, capability: str) -> Any:
    """The user, acting for the purposes of theirs that cover the page's capability."""
    return actor_of(request.user, ip=client_ip(request), purpose=purpose_of(scope, capability))


def _controller_from(request: HttpRequest, scope: Scope) -> Controller:
    own = selectors.controllers_of(scope=scope)
    if not own:
        raise PermissionDenied(_("You are not staff of any group company."))
    wanted = request.POST.get("controller")
    return next((c for c in own if str(c.pk) == wanted), own[0])


@marketers_only
def home(request: HttpRequest, scope: Scope) -> HttpResponse:
    return redirect("marketing:campaign_list")


# --- lists ---------------------------------------------------------------------------------


@marketers_only
def list_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            lst = services.mailing_list_create(
                actor=_actor(request, scope, Cap.SEND_DIRECT_MARKETING),
                scope=scope,
                controller=_controller_from(request, scope),
                name=request.POST.get("name", ""),
                opt_in=request.POST.get("opt_in", OptIn.DOUBLE),
                description=request.POST.get("description", ""),
                consent_text=request.POST.get("consent_text", ""),
                consent_text_version=request.POST.get("consent_text_version", ""),
            )
            messages.success(request, _("Mailing list created."))
            return redirect("marketing:list_detail", list_id=lst.pk)
        except services.MarketingInputError as exc:
            errors = exc.errors
    return render(
        request,
        "marketing/list_list.html",
        {
            "lists": selectors.mailing_list_list(scope=scope),
            "errors": errors,
            "opt_ins": OptIn.choices,
            "controllers": selectors.controllers_of(scope=scope),
        },
    )


@marketers_only
def list_detail(request: HttpRequest, scope: Scope, list_id: int) -> HttpResponse:
    lst = selectors.mailing_list_get(scope=scope, list_id=list_id)
    counts = {s: lst.subscriptions.filter(status=s).count() for s in SubscriptionStatus.values}
    return render(
        request,
        "marketing/list_detail.html",
        {"list": lst, "counts": counts, "statuses": SubscriptionStatus.choices},
    )


# --- segments ------------------------------------------------------------------------------


@profilers_only
def segment_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    errors: dict[str, str] = {}
    rules_text = request.POST.get("rules", '[{"rule": "industry", "value": "software"}]')
    if request.method == "POST":
        try:
            rules = json.loads(rules_text)
        except json.JSONDecodeError as exc:
            errors = {"rules": f"not JSON: {exc.msg} (line {exc.lineno})"}
        else:
            try:
                seg = services.segment_save(
                    actor=_actor(request, scope, Cap.PROFILE_SEGMENTS),
                    scope=scope,
                    controller=_controller_from(request, scope),
                    name=request.POST.get("name", ""),
                    rules=rules,
                    description=request.POST.get("description", ""),
                )
                messages.success(request, _("Segment saved. Compute it to see its members."))
                return redirect("marketing:segment_detail", segment_id=seg.pk)
            except services.MarketingInputError as exc:
                errors = exc.errors
    return render(
        request,
        "marketing/segment_list.html",
        {
            "segments": selectors.segment_list(scope=scope),
            "errors": errors,
            "rules_text": rules_text,
            "rules": RULES.values(),
            "controllers": selectors.controllers_of(scope=scope),
        },
    )


@profilers_only
def segment_detail(request: HttpRequest, scope: Scope, segment_id: int) -> HttpResponse:
    from rekisteri.marketing.segments import explain

    seg = selectors.segment_get(scope=scope, segment_id=segment_id)
    sentences, categories = explain(seg.rules)
    members = seg.members.select_related("person").order_by("person__search_name")[:50]
    return render(
        request,
        "marketing/segment_detail.html",
        {"segment": seg, "sentences": sentences, "categories": categories, "members": members},
    )


@require_POST
@profilers_only
def segment_compute(request: HttpRequest, scope: Scope, segment_id: int) -> HttpResponse:
    seg = selectors.segment_get(scope=scope, segment_id=segment_id)
    count = services.segment_refresh(
        actor=_actor(request, scope, Cap.PROFILE_SEGMENTS), scope=scope, segment=seg
    )
    messages.success(request, _("Segment computed: %(n)s members.") % {"n": count})
    return redirect("marketing:segment_detail", segment_id=seg.pk)


# --- campaigns -----------------------------------------------------------------------------


@marketers_only
def campaign_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    """The campaigns of the user's group companies: filtered, sorted (newest first unless a
    header says otherwise), a page at a time, with each campaign's results."""
    found = CampaignFilter(
        request.GET,
        selectors.campaign_list(scope=scope)
        .select_related("controller")
        .order_by("-created_at", "-id"),
        scope=scope,
    )
    table = CampaignTable(found.qs, several_companies=found.several_companies)
    if any(found.form.data.get(k) for k in found.filters):
        table.empty_text = _("No campaigns match the filters.")
    configure(request, table)
    ids = [row.record.pk for row in table.page.object_list]
    table.results = selectors.campaign_page_results(scope=scope, campaign_ids=ids)
    context = {"table": table, "filter": found, "count": capped_count(found.qs)}
    return render(request, "marketing/campaign_list.html", context)


@marketers_only
def campaign_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    return _campaign_form(request, scope, None)


@marketers_only
def campaign_edit(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    """A draft can be changed until it is sent; after that it is a record of what went out."""
    campaign = selectors.campaign_get(scope=scope, campaign_id=campaign_id)
    if campaign.status != "draft":
        messages.error(request, _("Only a draft can be changed."))
        return redirect("marketing:campaign_detail", campaign_id=campaign.pk)
    return _campaign_form(request, scope, campaign)


def _campaign_form(request: HttpRequest, scope: Scope, campaign: Campaign | None) -> HttpResponse:
    errors: dict[str, str] = {}
    lists = selectors.mailing_list_list(scope=scope)
    segments = selectors.segment_list(scope=scope)
    if campaign is None:
        data: dict[str, Any] = {"purpose": CampaignPurpose.MARKETING, "rate": 50}
        chosen_lists: set[int] = set()
        chosen_segments: set[int] = set()
    else:
        data = {k: getattr(campaign, k) for k in services.CAMPAIGN_FIELDS}
        chosen_lists = set(campaign.lists.values_list("pk", flat=True))
        chosen_segments = set(campaign.segments.values_list("pk", flat=True))
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in services.CAMPAIGN_FIELDS}
        chosen_lists = {int(x) for x in request.POST.getlist("lists") if x.isdigit()}
        chosen_segments = {int(x) for x in request.POST.getlist("segments") if x.isdigit()}
        # The service checks every field: the rate and the placeholders too.
        try:
            saved = services.campaign_save(
                actor=_actor(request, scope, Cap.SEND_DIRECT_MARKETING),
                scope=scope,
                controller=campaign.controller
                if campaign is not None
                else _controller_from(request, scope),
                data=data,
                lists=list(lists.filter(pk__in=chosen_lists)),
                segments=list(segments.filter(pk__in=chosen_segments)),
                campaign=campaign,
            )
            if campaign is not None:
                messages.success(request, _("The changes were saved."))
            return redirect("marketing:campaign_detail", campaign_id=saved.pk)
        except services.MarketingInputError as exc:
            errors = exc.errors
    return render(
        request,
        "marketing/campaign_form.html",
        {
            "campaign": campaign,
            "data": data,
            "errors": errors,
            "lists": lists,
            "segments": segments,
            "chosen_lists": chosen_lists,
            "chosen_segments": chosen_segments,
            "purposes": CampaignPurpose.choices,
            "controllers": selectors.controllers_of(scope=scope),
            "languages": [
                (code, name, data.get(f"subject_{code}") or "", data.get(f"body_{code}") or "")
                for code, name in LANGUAGES
            ],
            "placeholders": ["{" + p + "}" for p in PLACEHOLDERS],
            "max_rate": MAX_RATE,
        },
        status=400 if errors else 200,
    )


@marketers_only
def campaign_detail(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(scope=scope, campaign_id=campaign_id)
    audience = campaign_audience(campaign) if campaign.status == "draft" else None
    excluded = audience.excluded if audience else campaign.excluded
    return render(
        request,
        "marketing/campaign_detail.html",
        {
            "campaign": campaign,
            "audience": audience,
            # each reason in words: the codes are the machine's, never shown
            "excluded": [(reason_text(code), n) for code, n in excluded.items()],
            "allowed": [
                (reason_text(code), n)
                for code, n in (audience.allowed_by if audience else {}).items()
            ],
            "preview": excluded_preview(campaign) if audience else [],
            "unknown": _unknown(campaign) if not audience else 0,
            "job": _job(campaign),
            "previews": previews(campaign),
        },
    )


def _send_count(campaign: Campaign) -> int:
    """How many messages *Send* would send: a draft's audience as it is now; after a
    sending that stopped, the messages still waiting."""
    if campaign.status == "draft":
        return campaign_audience(campaign).included
    return campaign.recipients.filter(
        status__in=(RecipientStatus.QUEUED, RecipientStatus.CLAIMED)
    ).count()


def _may_send(campaign: Campaign) -> bool:
    job = _job(campaign)
    return campaign.status == "draft" or (job is not None and job.status == "dead")


@marketers_only
def campaign_confirm(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    """*Send* asks first: to how many recipients, in which languages. Sending is the POST."""
    campaign = selectors.campaign_get(scope=scope, campaign_id=campaign_id)
    if not _may_send(campaign):
        messages.error(request, _("This campaign was already sent or is being sent."))
        return redirect("marketing:campaign_detail", campaign_id=campaign.pk)
    return render(
        request,
        "marketing/campaign_confirm.html",
        {"campaign": campaign, "count": _send_count(campaign), "previews": previews(campaign)},
    )


def _unknown(campaign: Campaign) -> int:
    """Messages whose fate a stopped sender left open (docs/marketing.md): never resent."""
    return campaign.recipients.filter(status=RecipientStatus.UNKNOWN).count()


def _job(campaign: Campaign) -> Job | None:
    """The worker's job sending the campaign (None before *Send*, or if sent by command)."""
    return Job.objects.filter(key=campaign_job_key(campaign.pk)).first()


@marketers_only
def campaign_progress(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(scope=scope, campaign_id=campaign_id)
    return render(
        request,
        "marketing/partials/progress.html",
        {"campaign": campaign, "unknown": _unknown(campaign), "job": _job(campaign)},
    )


@require_POST
@marketers_only
def campaign_queue(request: HttpRequest, scope: Scope, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_get(scope=scope, campaign_id=campaign_id)
    count = _send_count(campaign)
    if request.POST.get("audience") != str(count):
        # Not confirmed, or the audience changed since: ask again with today's count.
        if request.POST.get("audience"):
            messages.warning(
                request,
                _("The audience changed since you confirmed: %(n)s recipients now.") % {"n": count},
            )
        return redirect("marketing:campaign_confirm", campaign_id=campaign.pk)
    services.campaign_queue(
        actor=_actor(request, scope, Cap.SEND_DIRECT_MARKETING), scope=scope, campaign=campaign
    )
    campaign_enqueue(campaign)
    messages.success(
        request,
        _("Queued: %(n)s messages. The worker sends them now; this page shows its progress.")
        % {"n": campaign.total},
    )
    return redirect("marketing:campaign_detail", campaign_id=campaign.pk)
