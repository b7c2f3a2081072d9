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
from rekisteri.kyc.models import BeneficialOwner, DueDiligence, PepStatus, RepresentationRight
from rekisteri.register.models import Affiliation, Organization

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


# --- Correcting and removing a record ------------------------------------------------------

#: kind in the URL → (model, form, message when corrected, message when removed)
KINDS: dict[str, tuple[Any, Any, str, str]] = {
    "owner": (
        BeneficialOwner,
        OwnerForm,
        _("The beneficial owner is corrected."),
        _("The beneficial owner is removed."),
    ),
    "representation": (
        RepresentationRight,
        RepresentationForm,
        _("The right to represent is corrected."),
        _("The right to represent is removed."),
    ),
    "pep": (
        PepStatus,
        PepForm,
        _("The PEP status is corrected."),
        _("The PEP status is removed."),
    ),
    "due_diligence": (
        DueDiligence,
        DueDiligenceForm,
        _("The customer due diligence is corrected."),
        _("The customer due diligence is removed."),
    ),
}
_INITIAL_SKIP = {"id", "created_at", "updated_at", "recorded_by", "decided_by"}


def _record(request: HttpRequest, organization_id: int, kind: str, record_id: int) -> Any:
    """The organisation's record of this kind (404 for another organisation's or company's)."""
    if kind not in KINDS:
        raise Http404
    try:
        return selectors.kyc_record_of_organisation(
            scope=scope_of(request),
            actor=actor_of(request.user, ip=client_ip(request)),
            organization_id=organization_id,
            kind=kind,
            record_id=record_id,
        )
    except services.KycError:
        raise Http404 from None


def _initial(row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in row._meta.concrete_fields:
        if f.name in _INITIAL_SKIP or f.name == "organization":
            continue
        value = getattr(row, f.attname)
        out["person" if f.name == "person" else f.name] = value
    if isinstance(out.get("checks"), list):
        out["checks"] = "\n".join(out["checks"])
    return out


@requires(Cap.SCREEN_CUSTOMERS)
def kyc_record_edit(
    request: HttpRequest, organization_id: int, kind: str, record_id: int
) -> HttpResponse:
    row = _record(request, organization_id, kind, record_id)
    _model, cls, done, _removed = KINDS[kind]
    kwargs: dict[str, Any] = {"prefix": kind}
    if cls is not DueDiligenceForm:
        kwargs["persons"] = [(row.person_id, str(row.person))]
    form = cls(request.POST if request.method == "POST" else None, initial=_initial(row), **kwargs)
    if "person" in form.fields:
        form.fields["person"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("person", None)
        scope, actor = scope_of(request), actor_of(request.user, ip=client_ip(request))
        try:
            if kind == "owner":
                services.beneficial_owner_record(
                    scope=scope,
                    actor=actor,
                    organization_id=organization_id,
                    person_id=row.person_id,
                    data=data,
                )
            elif kind == "representation":
                services.representation_update(
                    scope=scope,
                    actor=actor,
                    organization_id=organization_id,
                    right_id=row.pk,
                    data=data,
                )
            elif kind == "pep":
                services.pep_update(
                    scope=scope,
                    actor=actor,
                    organization_id=organization_id,
                    pep_id=row.pk,
                    data=data,
                )
            else:
                services.due_diligence_update(
                    scope=scope,
                    actor=actor,
                    organization_id=organization_id,
                    due_diligence_id=row.pk,
                    data=data,
                )
        except services.KycError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ProcessingRefused as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, done)
            return redirect("kyc:organisation", organization_id=organization_id)
    return render(
        request,
        "kyc/record_edit.html",
        {"organization": row_organization(row, organization_id), "form": form, "kind": kind},
    )


@requires(Cap.SCREEN_CUSTOMERS)
def kyc_record_remove(
    request: HttpRequest, organization_id: int, kind: str, record_id: int
) -> HttpResponse:
    """Ask, then remove a record recorded in error (POST only removes)."""
    row = _record(request, organization_id, kind, record_id)
    if request.method == "POST":
        try:
            services.kyc_record_remove(
                scope=scope_of(request),
                actor=actor_of(request.user, ip=client_ip(request)),
                organization_id=organization_id,
                kind=kind,
                record_id=row.pk,
            )
        except services.KycError:
            raise Http404 from None
        except ProcessingRefused as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, KINDS[kind][3])
        return redirect("kyc:organisation", organization_id=organization_id)
    return render(
        request,
        "kyc/record_remove.html",
        {
            "organization": row_organization(row, organization_id),
            "row": row,
            "kind": kind,
            "what": str(_WHAT[kind]),
        },
    )


_WHAT = {
    "owner": _("beneficial owner"),
    "representation": _("right to represent"),
    "pep": _("PEP status"),
    "due_diligence": _("customer due diligence"),
}


def row_organization(row: Any, organization_id: int) -> Any:
    org = getattr(row, "organization", None)
    if org is not None:
        return org
    return Organization.objects.get(pk=organization_id)
