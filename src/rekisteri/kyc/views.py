"""The KYC section of an organisation: beneficial owners, representatives, PEP status and
customer due diligence, and the forms that record them (only with the capability)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.kyc import selectors, services
from rekisteri.kyc.forms import DueDiligenceForm, OwnerForm, PepForm, RepresentationForm
from rekisteri.register.models import Affiliation

FORMS = {
    "owner": (OwnerForm, _("The beneficial owner is recorded.")),
    "representation": (RepresentationForm, _("The right to represent is recorded.")),
    "pep": (PepForm, _("The PEP status is recorded.")),
    "due_diligence": (DueDiligenceForm, _("The customer due diligence is recorded.")),
}


def _persons(organization_id: int, controller_id: int) -> list[tuple[int, str]]:
    rows = (
        Affiliation.objects.filter(
            organization_id=organization_id, person__controller_id=controller_id
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    seen: dict[int, str] = {}
    for a in rows:
        p = a.person
        seen.setdefault(p.pk, f"{p.last_name}, {p.first_name}" if p.first_name else p.last_name)
    return list(seen.items())


def _save(request: HttpRequest, which: str, data: dict[str, Any], org_id: int) -> None:
    scope = scope_of(request)
    actor = actor_of(request.user, ip=client_ip(request))
    person_id = data.pop("person", None)
    if which == "owner":
        services.beneficial_owner_record(
            scope=scope, actor=actor, organization_id=org_id, person_id=person_id, data=data
        )
    elif which == "representation":
        services.representation_record(
            scope=scope, actor=actor, organization_id=org_id, person_id=person_id, data=data
        )
    elif which == "pep":
        services.pep_record(scope=scope, actor=actor, person_id=person_id, data=data)
    else:
        services.due_diligence_record(scope=scope, actor=actor, organization_id=org_id, data=data)


@requires(Cap.SCREEN_CUSTOMERS)
def organisation_kyc(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    actor = actor_of(request.user, ip=client_ip(request))
    try:
        shown = selectors.kyc_of_organisation(
            scope=scope, actor=actor, organization_id=organization_id
        )
    except services.KycError:
        raise Http404 from None
    org = shown["organization"]
    persons = _persons(org.pk, org.controller_id)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    forms = {}
    for key, (cls, _done) in FORMS.items():
        kwargs: dict[str, Any] = {"prefix": key}
        if cls is not DueDiligenceForm:
            kwargs["persons"] = persons
        forms[key] = cls(request.POST if which == key else None, **kwargs)
    if which in FORMS:
        form = forms[which]
        if form.is_valid():
            try:
                _save(request, which, dict(form.cleaned_data), org.pk)
            except services.KycError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except ProcessingRefused as exc:
                form.add_error(None, exc.reason)
            else:
                messages.success(request, FORMS[which][1])
                return redirect("kyc:organisation", organization_id=org.pk)
    return render(request, "kyc/organisation.html", {**shown, "forms": forms})
