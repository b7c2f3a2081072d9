"""The KYC section of an organisation: beneficial owners, representatives, PEP status and
customer due diligence, and the forms that record them (only with the capability)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.kyc import selectors, services
from rekisteri.kyc.forms import DueDiligenceForm
from rekisteri.kyc.kinds import KINDS, RecordKind
from rekisteri.register.models import Affiliation, Organization


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


def _form(kind: RecordKind, data: Any, persons: list[tuple[int, str]], **kwargs: Any) -> Any:
    if kind.for_a_person:
        kwargs["persons"] = persons
    return kind.form(data, prefix=kind.slug, **kwargs)


def run_step(request: HttpRequest, form: Any, step: Callable[..., Any], **kwargs: Any) -> bool:
    """Run a service step as the user; a refusal goes on the form. True when it was done."""
    try:
        step(scope=scope_of(request), actor=actor_of(request.user, ip=client_ip(request)), **kwargs)
    except services.KycError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except ProcessingRefused as exc:
        form.add_error(None, exc.reason)
    else:
        return True
    return False


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
    forms = {
        slug: _form(kind, request.POST if which == slug else None, persons)
        for slug, kind in KINDS.items()
    }
    if which in KINDS:
        kind, form = KINDS[which], forms[which]
        if form.is_valid():
            data = dict(form.cleaned_data)
            person_id = data.pop("person", None)
            if run_step(
                request, form, kind.create, organization_id=org.pk, person_id=person_id, data=data
            ):
                messages.success(request, str(kind.recorded))
                return redirect("kyc:organisation", organization_id=org.pk)
    return render(request, "kyc/organisation.html", {**shown, "forms": forms})


# --- Correcting and removing a record (one view for every kind of KINDS) -------------------

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
    record_kind = KINDS[kind]
    persons = [(row.person_id, str(row.person))] if record_kind.for_a_person else []
    form = _form(
        record_kind,
        request.POST if request.method == "POST" else None,
        persons,
        initial=_initial(row),
    )
    if "person" in form.fields:
        form.fields["person"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("person", None)
        if run_step(
            request,
            form,
            record_kind.update,
            organization_id=organization_id,
            record_id=row.pk,
            data=data,
        ):
            messages.success(request, str(record_kind.corrected))
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
    record_kind = KINDS[kind]
    if request.method == "POST":
        try:
            record_kind.remove(
                scope=scope_of(request),
                actor=actor_of(request.user, ip=client_ip(request)),
                organization_id=organization_id,
                record_id=row.pk,
            )
        except services.KycError:
            raise Http404 from None
        except ProcessingRefused as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, str(record_kind.removed))
        return redirect("kyc:organisation", organization_id=organization_id)
    return render(
        request,
        "kyc/record_remove.html",
        {
            "organization": row_organization(row, organization_id),
            "row": row,
            "kind": kind,
            "what": str(record_kind.what),
        },
    )


def row_organization(row: Any, organization_id: int) -> Any:
    org = getattr(row, "organization", None)
    if org is not None:
        return org
    return Organization.objects.get(pk=organization_id)


# --- A consumer customer (the person is the customer) ---------------------------------------


@requires(Cap.SCREEN_CUSTOMERS)
def person_kyc(request: HttpRequest, person_id: int) -> HttpResponse:
    """A consumer customer's KYC: PEP status and customer due diligence, with the form that
    records due diligence and a confirmed removal of one recorded in error."""
    scope = scope_of(request)
    actor = actor_of(request.user, ip=client_ip(request))
    try:
        shown = selectors.kyc_of_person(scope=scope, actor=actor, person_id=person_id)
    except services.KycError:
        raise Http404 from None
    form = DueDiligenceForm(
        request.POST if request.POST.get("form") == "due_diligence" else None,
        prefix="due_diligence",
    )
    remove_id = request.POST.get("remove", "") if request.method == "POST" else ""
    if remove_id:
        try:
            services.person_due_diligence_remove(
                scope=scope,
                actor=actor,
                person_id=person_id,
                due_diligence_id=int(remove_id) if remove_id.isdigit() else 0,
            )
        except services.KycError:
            raise Http404 from None
        except ProcessingRefused as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, str(KINDS["due_diligence"].removed))
        return redirect("kyc:person", person_id=person_id)
    if (
        form.is_bound
        and form.is_valid()
        and run_step(
            request,
            form,
            services.person_due_diligence_record,
            person_id=person_id,
            data=dict(form.cleaned_data),
        )
    ):
        messages.success(request, str(KINDS["due_diligence"].recorded))
        return redirect("kyc:person", person_id=person_id)
    confirm = request.GET.get("remove", "")
    return render(
        request,
        "kyc/person.html",
        {**shown, "form": form, "confirm": int(confirm) if confirm.isdigit() else None},
    )
