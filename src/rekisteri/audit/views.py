"""The DPO's pages on the audit trail: who accessed a person's data, and the chain check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.audit.selectors import audit_access_log, audit_chain_head
from rekisteri.audit.verification import audit_chain_check


@require_GET
@requires(Cap.READ_AUDIT_TRAIL)
def index(request: HttpRequest) -> HttpResponse:
    person = request.GET.get("person", "").strip()
    if person.isdigit():
        return redirect("audit:person_log", person_id=int(person))
    seq, head = audit_chain_head()
    return render(request, "audit/index.html", {"seq": seq, "head": head})


@require_GET
@requires(Cap.READ_AUDIT_TRAIL)
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    entries = audit_access_log(scope=scope_of(request), person_id=person_id)
    return render(request, "audit/person_log.html", {"person_id": person_id, "entries": entries})


@require_GET
@requires(Cap.VERIFY_AUDIT_TRAIL)
def verify(request: HttpRequest) -> HttpResponse:
    checked, problem = audit_chain_check()
    seq, head = audit_chain_head()
    return render(
        request,
        "audit/verify.html",
        {"checked": checked, "problem": problem, "seq": seq, "head": head},
        status=200 if problem is None else 409,
    )
