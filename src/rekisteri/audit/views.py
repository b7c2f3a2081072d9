"""The DPO's pages on the audit trail: who accessed a person's data, and the chain check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from rekisteri.access.selectors import Scope, scope_for
from rekisteri.audit.selectors import audit_access_log, audit_chain_head, audit_chain_verify


def _dpo(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_dpo:
        raise PermissionDenied("only the data protection officer")
    return scope


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _dpo(request)
    person = request.GET.get("person", "").strip()
    if person.isdigit():
        return redirect("audit:person_log", person_id=int(person))
    seq, head = audit_chain_head()
    return render(request, "audit/index.html", {"seq": seq, "head": head})


@login_required
@require_GET
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = _dpo(request)
    entries = audit_access_log(scope=scope, person_id=person_id)
    return render(request, "audit/person_log.html", {"person_id": person_id, "entries": entries})


@login_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_dpo or scope.is_admin):
        raise PermissionDenied("only the data protection officer and administrators")
    checked, problem = audit_chain_verify()
    seq, head = audit_chain_head()
    return render(
        request,
        "audit/verify.html",
        {"checked": checked, "problem": problem, "seq": seq, "head": head},
        status=200 if problem is None else 409,
    )
