"""Staff pages of enrichment: the organisations whose trade register news need a look, and
the actions on an organisation's page (update from the register through the worker; mark
the news as reviewed). Thin: reads through enrichment.selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.enrichment import selectors, services
from rekisteri.enrichment.jobs import update_enqueue
from rekisteri.register.selectors import organization_get

SHOWN = 500


@requires(Cap.KEEP_REGISTER)
def review_list_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    found = selectors.review_list(scope=scope)
    # Few organisations end at a time; the list shows the first SHOWN of them with the count
    # of all (no pager: staff.pagination sits above this app's layer).
    return render(
        request,
        "enrichment/review.html",
        {
            "records": found[:SHOWN],
            "shown": SHOWN,
            "count": found.count(),
            "can_update": scope.can(Cap.UPDATE_FROM_TRADE_REGISTER),
        },
    )


def fetchable(org: object) -> bool:
    """Only Finnish organisations are fetched (PRH's API); Swedish ones come from a file."""
    return getattr(org, "country", "") == "FI" and bool(getattr(org, "business_id", ""))


@require_POST
@requires(Cap.UPDATE_FROM_TRADE_REGISTER)
def update_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    org = organization_get(scope=scope, organization_id=organization_id)
    if not fetchable(org):
        messages.error(
            request,
            _(
                "Only a Finnish organisation with a business ID can be updated from the trade register here."
            ),
        )
    else:
        update_enqueue(org, requested_by=request.user.get_username())
        messages.success(
            request,
            _(
                "The update from the trade register is queued. Its result shows on this page when it has run."
            ),
        )
    return redirect("register:organization_detail", organization_id=org.pk)


@require_POST
@requires(Cap.UPDATE_FROM_TRADE_REGISTER)
def reviewed_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    org = organization_get(scope=scope, organization_id=organization_id)
    services.review_close(
        actor=actor_of(request.user, ip=client_ip(request)), scope=scope, organization=org
    )
    messages.success(request, _("The trade register's news is marked as reviewed."))
    if request.POST.get("next") == "review":
        return redirect("enrichment:review")
    return redirect("register:organization_detail", organization_id=org.pk)
