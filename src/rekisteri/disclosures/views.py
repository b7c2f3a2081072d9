"""Staff pages of the disclosure log: the log (a table with filters), a person's part of it,
and recording a disclosure (recipient by name, persons found by name)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.common.pagination import capped_count, configure
from rekisteri.disclosures import selectors, services
from rekisteri.disclosures.filters import DisclosureFilter
from rekisteri.disclosures.forms import DisclosureForm
from rekisteri.disclosures.tables import DisclosureTable
from rekisteri.register.selectors import person_get_to_change


def _log(request: HttpRequest, person: object | None = None) -> HttpResponse:
    scope = scope_of(request)
    found = DisclosureFilter(
        request.GET,
        selectors.disclosure_list(scope=scope, person_id=getattr(person, "pk", None)),
    )
    table = DisclosureTable(found.qs)
    if any(found.form.data.get(k) for k in found.filters):
        table.empty_text = _("No disclosures match the filters.")
    configure(request, table)
    context = {
        "table": table,
        "filter": found,
        "count": capped_count(found.qs),
        "disclosures": found.qs,
        "person": person,
    }
    return render(request, "disclosures/disclosure_list.html", context)


@requires(Cap.LOG_DISCLOSURES)
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """The log: filtered by recipient (by name) and basis, newest first, a page at a time."""
    return _log(request)


@requires(Cap.LOG_DISCLOSURES)
def person_disclosures(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's part of the log, from their page: a person of the user's own group
    companies (another company's, shared or not, is its own company's to disclose)."""
    scope = scope_of(request)
    person = person_get_to_change(scope=scope, person_id=person_id)
    selectors.person_disclosures_opened(
        scope=scope, actor=actor_of(request.user, ip=client_ip(request)), person=person
    )
    return _log(request, person)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()][:200]


@requires(Cap.LOG_DISCLOSURES)
def disclosure_create(request: HttpRequest) -> HttpResponse:
    """Record a disclosure. The persons are found by name or email (`q`, a GET search on the
    same page) or come from a person's page (`person`); they are ticked by name."""
    scope = scope_of(request)
    q = request.GET.get("q", "").strip()
    preset = _ids(request.GET.getlist("person"))
    posted = _ids(request.POST.getlist("persons")) if request.method == "POST" else []
    persons = selectors.persons_to_disclose(scope=scope, q=q, person_ids=preset + posted)
    form = DisclosureForm(request.POST or None, persons=persons, initial={"persons": preset})
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_record(
                scope=scope,
                actor=actor_of(request.user, ip=client_ip(request)),
                person_ids=form.cleaned_data["persons"],
                recipient_code=form.cleaned_data["recipient_code"],
                categories=form.cleaned_data["categories"],
                basis=form.cleaned_data["basis"],
                reason=form.cleaned_data["reason"],
                request_ref=form.cleaned_data["request_ref"],
            )
        except services.DisclosureError as exc:
            field = {"person_ids": "persons"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        except ProcessingRefused as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, _("The disclosure is recorded."))
            return redirect("disclosures:list")
    context = {
        "form": form,
        "q": q,
        "preset": preset,
        "searched": bool(q),
        "action": reverse("disclosures:create"),
    }
    return render(request, "disclosures/disclosure_form.html", context)
