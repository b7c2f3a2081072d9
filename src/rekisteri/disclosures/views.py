"""Staff pages of the disclosure log: list, and record a disclosure."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import actor_of
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.client import client_ip
from rekisteri.disclosures import selectors, services
from rekisteri.disclosures.forms import DisclosureForm


@requires(Cap.LOG_DISCLOSURES)
def disclosure_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    recipient = request.GET.get("recipient", "").strip()
    person = request.GET.get("person", "").strip()
    disclosures = list(
        selectors.disclosure_list(
            scope=scope,
            recipient_code=recipient,
            person_id=int(person) if person.isdigit() else None,
        )[:500]
    )
    # In the user's words: the recipient's and the categories' names, not their codes.
    lang = (get_language() or "en")[:2]
    snap = catalogue_snapshot(scope.catalogue_version)
    for d in disclosures:
        names = d.recipient_name or {}
        d.recipient_label = names.get(lang) or names.get("en") or d.recipient_code
        d.category_labels = [
            snap.categories[c].label(lang) if c in snap.categories else c for c in d.categories
        ]
    return render(
        request,
        "disclosures/disclosure_list.html",
        {"disclosures": disclosures, "recipient": recipient, "person": person},
    )


@requires(Cap.LOG_DISCLOSURES)
def disclosure_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disclosure_record(
                scope=scope,
                actor=actor_of(request.user, ip=client_ip(request)),
                person_ids=form.cleaned_data["person_ids"],
                recipient_code=form.cleaned_data["recipient_code"],
                categories=form.cleaned_data["categories"],
                basis=form.cleaned_data["basis"],
                reason=form.cleaned_data["reason"],
                request_ref=form.cleaned_data["request_ref"],
            )
        except services.DisclosureError as exc:
            target = exc.field if exc.field in form.fields else None
            form.add_error(target, exc.message)
        except ProcessingRefused as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, _("The disclosure is recorded."))
            return redirect("disclosures:list")
    return render(request, "disclosures/disclosure_form.html", {"form": form})
