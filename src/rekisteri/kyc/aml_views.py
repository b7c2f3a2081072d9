"""AML investigations on the staff pages: the list, one investigation, opening one for a
person and closing it. Work of its own capability (`investigate_transactions`); the data is
in the category the catalogue exempts from the right of access (docs/kyc.md)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.audit.services import actor_of
from rekisteri.common.client import client_ip
from rekisteri.kyc import selectors, services
from rekisteri.kyc.forms import AmlCloseForm, AmlInvestigationForm
from rekisteri.kyc.models import InvestigationOutcome
from rekisteri.kyc.views import run_step
from rekisteri.register.models import Affiliation, Person


def _actor(request: HttpRequest) -> Any:
    return actor_of(request.user, ip=client_ip(request))


@requires(Cap.INVESTIGATE_TRANSACTIONS)
def investigations(request: HttpRequest) -> HttpResponse:
    """The open investigations (all of them with ?all=1)."""
    everything = request.GET.get("all") == "1"
    rows = selectors.aml_investigations(
        scope=scope_of(request), actor=_actor(request), only_open=not everything
    )
    return render(request, "kyc/investigations.html", {"rows": rows, "all": everything})


@requires(Cap.INVESTIGATE_TRANSACTIONS)
def investigation(request: HttpRequest, investigation_id: int) -> HttpResponse:
    try:
        row = selectors.aml_investigation_get(
            scope=scope_of(request), actor=_actor(request), investigation_id=investigation_id
        )
    except services.KycError:
        raise Http404 from None
    is_open = row.outcome == InvestigationOutcome.OPEN
    return render(request, "kyc/investigation.html", {"row": row, "is_open": is_open})


@requires(Cap.INVESTIGATE_TRANSACTIONS)
def investigation_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Open an investigation of the person (of the user's own group companies)."""
    scope = scope_of(request)
    person = Person.objects.filter(pk=person_id, controller_id__in=scope.controller_ids).first()
    if person is None:
        raise Http404
    organizations = sorted(
        {
            (a.organization_id, a.organization.name)
            for a in Affiliation.objects.filter(person=person).select_related("organization")
        },
        key=lambda pair: pair[1],
    )
    form = AmlInvestigationForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        opened: list[Any] = []
        if run_step(
            request,
            form,
            lambda **kw: opened.append(services.aml_investigation_record(**kw)),
            person_id=person.pk,
            organization_id=data.pop("organization"),
            data=data,
        ):
            messages.success(request, _("The investigation is opened."))
            return redirect("kyc:investigation", investigation_id=opened[0].pk)
    return render(request, "kyc/investigation_new.html", {"person": person, "form": form})


@requires(Cap.INVESTIGATE_TRANSACTIONS)
def investigation_close(request: HttpRequest, investigation_id: int) -> HttpResponse:
    """Close an open investigation: no grounds for suspicion, or reported to the FIU."""
    scope = scope_of(request)
    try:
        row = selectors.aml_investigation_get(
            scope=scope, actor=_actor(request), investigation_id=investigation_id
        )
    except services.KycError:
        raise Http404 from None
    form = AmlCloseForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_step(
            request,
            form,
            services.aml_investigation_close,
            investigation_id=row.pk,
            data=dict(form.cleaned_data),
        )
    ):
        messages.success(request, _("The investigation is closed."))
        return redirect("kyc:investigation", investigation_id=row.pk)
    return render(request, "kyc/investigation_close.html", {"row": row, "form": form})
