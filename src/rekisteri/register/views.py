from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rekisteri.access.selectors import scope_for
from rekisteri.audit.services import actor_of
from rekisteri.register import selectors


def _actor(request: HttpRequest):  # type: ignore[no-untyped-def]
    return actor_of(request.user, ip=request.META.get("REMOTE_ADDR"))


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    q = request.GET.get("q", "")
    persons = selectors.person_list(scope=scope, q=q, limit=100)
    return render(request, "register/person_list.html", {"persons": persons, "q": q})


@login_required
def person_detail_view(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    detail = selectors.person_detail(
        scope=scope,
        actor=_actor(request),
        person_id=person_id,
        from_search=request.GET.get("from") == "search",
    )
    return render(request, "register/person_detail.html", {"d": detail})


@login_required
def organization_list_view(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    q = request.GET.get("q", "")
    orgs = selectors.organization_list(scope=scope, q=q)[:100]
    return render(request, "register/organization_list.html", {"organizations": orgs, "q": q})


@login_required
def organization_detail_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    org = selectors.organization_get(scope=scope, organization_id=organization_id)
    return render(request, "register/organization_detail.html", {"org": org})
