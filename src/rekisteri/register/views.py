"""Staff pages of the register. Thin: reads go through register.selectors, writes through
register.services; the gate (access.gate) decides who reaches a page, and the selectors
which person or organisation exists for the user (404 otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import may_reach, requires, scope_of
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.selectors import category_of, person_categories
from rekisteri.audit.services import Actor, actor_of
from rekisteri.catalogue.models import SourceKind
from rekisteri.common.client import client_ip
from rekisteri.register import selectors, services
from rekisteri.register.filters import OrganizationFilter, PersonFilter
from rekisteri.register.forms import (
    EndForm,
    OrganizationForm,
    PersonForm,
    ProvenanceForm,
    RelationshipForm,
    error_text,
    show_input_error,
    translate_message,
)
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Affiliation
from rekisteri.register.tables import OrganizationTable, PersonTable
from rekisteri.staff import navigation
from rekisteri.staff.pagination import capped_count, configure, paginate
from rekisteri.staff.templatetags.ui import SOURCE_KINDS


def _actor(request: HttpRequest) -> Actor:
    return actor_of(request.user, ip=client_ip(request))


def _refused(form: Any, exc: ProcessingRefused) -> None:
    form.add_error(None, translate_message(exc.reason))


def _apply(
    request: HttpRequest, form: Any, change: Callable[[dict[str, Any]], Any], done: str
) -> None:
    """A small change posted from a detail page: run it with the form's data, and say what
    happened (or what is wrong, field by field) as a message on the page it returns to."""
    try:
        if not form.is_valid():
            raise InputError({k: v[0] for k, v in form.errors.items()})
        change(form.cleaned_data)
    except InputError as exc:
        messages.error(request, error_text(exc.errors))
    except ProcessingRefused as exc:
        messages.error(request, translate_message(exc.reason))
    else:
        messages.success(request, done)


# --- persons ---------------------------------------------------------------------------


@requires(Cap.KEEP_REGISTER)
def person_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    q = request.GET.get("q", "").strip()
    found = PersonFilter(request.GET, selectors.person_list(scope=scope, q=q), scope=scope)
    table = PersonTable(found.qs, columns=selectors.person_list_columns(scope=scope))
    if q:
        table.empty_text = _("No persons match the search.")
    configure(request, table)
    ids = [row.record.pk for row in table.page.object_list]
    table.columns_data = selectors.person_list_columns(
        scope=scope, actor=_actor(request), person_ids=ids
    )
    context = {"table": table, "filter": found, "q": q, "count": capped_count(found.qs)}
    return render(request, "register/person_list.html", context)


@requires(Cap.KEEP_REGISTER)
def person_detail_view(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    detail = selectors.person_detail(
        scope=scope,
        actor=_actor(request),
        person_id=person_id,
        from_search=request.GET.get("from") == "search",
    )
    context = {
        "d": detail,
        "related": navigation.links(scope, navigation.PERSON, kwargs={"person_id": person_id}),
        "can_reveal": may_reach(scope, "access:identity_code_reveal"),
        "source_kinds": list(SOURCE_KINDS.items()),
        # Controls only for what the user may do: another group company's shared person,
        # or a restricted one, is read-only for them (access.policy decides, as on POST).
        "can_edit": _may_edit(scope, detail.person),
        "can_end_affiliation": _may_edit(
            scope, detail.person, categories={category_of(Affiliation, "end")}
        ),
    }
    return render(request, "register/person_detail.html", context)


def _may_edit(scope: Any, person: Any, categories: set[str] | None = None) -> bool:
    """Whether the services would let the user change the person (the same check)."""
    try:
        check_processing(scope, person, Operation.EDIT, categories=categories)
    except ProcessingRefused:
        return False
    return True


@requires(Cap.KEEP_REGISTER)
def person_create_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    kwargs: dict[str, Any] = {"categories": scope.categories, "scope": scope}
    if request.method == "POST":
        form = PersonForm(request.POST, **kwargs)
        source = ProvenanceForm(request.POST, scope=scope)
        if form.is_valid() and source.is_valid():
            try:
                person = services.person_create(
                    actor=_actor(request),
                    controller=form.cleaned_data["controller"],
                    data=form.data_for_service(),
                    source=source.source_ref(),
                    scope=scope,
                )
            except InputError as exc:
                show_input_error(form, exc.errors)
            except ProcessingRefused as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The person was added to the register."))
                return redirect("register:person_detail", person_id=person.pk)
    else:
        initial = {"organization_business_id": request.GET.get("organization", "")}
        form = PersonForm(initial=initial, **kwargs)
        source = ProvenanceForm(scope=scope)
    return render(
        request, "register/person_form.html", {"form": form, "source": source, "person": None}
    )


@requires(Cap.KEEP_REGISTER)
def person_edit_view(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        person = selectors.person_get_to_change(scope=scope, person_id=person_id)
        categories = person_categories(scope, person)
        form = PersonForm(request.POST, categories=categories, scope=scope, editing=True)
        source = ProvenanceForm(request.POST, scope=scope)
        if form.is_valid() and source.is_valid():
            ref = source.source_ref()
            try:
                services.person_update(
                    actor=_actor(request),
                    person=person,
                    data=form.data_for_service(),
                    scope=scope,
                    purpose=ref.purpose,
                    source=ref,
                )
            except InputError as exc:
                show_input_error(form, exc.errors)
            except ProcessingRefused as exc:
                _refused(form, exc)
                return _person_form(request, form, source, person, status=403)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("register:person_detail", person_id=person.pk)
        return _person_form(request, form, source, person)
    # Showing the form shows the person's data: that is a view, audited as one.
    detail = selectors.person_detail(scope=scope, actor=_actor(request), person_id=person_id)
    form = PersonForm(
        initial=_initial(detail), categories=detail.categories, scope=scope, editing=True
    )
    source = ProvenanceForm(scope=scope)
    try:
        check_processing(scope, detail.person, Operation.EDIT)
    except ProcessingRefused as exc:
        refusal = translate_message(exc.reason)
        return _person_form(request, form, source, detail.person, status=403, refused=refusal)
    return _person_form(request, form, source, detail.person)


@require_POST
@requires(Cap.KEEP_REGISTER)
def person_affiliation_end_view(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person has left the organisation: the link gets its end date."""
    scope = scope_of(request)
    person = selectors.person_get_to_change(scope=scope, person_id=person_id)

    def end(data: dict[str, Any]) -> None:
        services.affiliation_end(
            actor=_actor(request),
            affiliation=get_object_or_404(person.affiliations, pk=data["item"]),
            end=data["end"],
            scope=scope,
            source=services.SourceRef(kind=data["source_kind"] or SourceKind.DATA_SUBJECT),
        )

    _apply(request, EndForm(request.POST), end, _("The link to the organisation was ended."))
    return redirect("register:person_detail", person_id=person.pk)


def _person_form(
    request: HttpRequest,
    form: PersonForm,
    source: Any,
    person: Any,
    *,
    status: int = 200,
    refused: str = "",
) -> HttpResponse:
    context = {"form": form, "source": source, "person": person, "refused": refused}
    return render(request, "register/person_form.html", context, status=status)


def _initial(detail: selectors.PersonDetail) -> dict[str, Any]:
    initial = {f.name: f.value for f in detail.fields}
    for cp in detail.contact_points:
        if cp.primary and cp.kind in ("email", "phone"):
            initial[cp.kind] = cp.value
    return initial


# --- organisations ---------------------------------------------------------------------


@requires(Cap.KEEP_REGISTER)
def organization_list_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    q = request.GET.get("q", "").strip()
    found = OrganizationFilter(
        request.GET, selectors.organization_list(scope=scope, q=q), scope=scope
    )
    table = OrganizationTable(found.qs)
    configure(request, table)
    context = {"table": table, "filter": found, "q": q, "count": capped_count(found.qs)}
    return render(request, "register/organization_list.html", context)


@requires(Cap.KEEP_REGISTER)
def organization_detail_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    org = selectors.organization_get(scope=scope, organization_id=organization_id)
    page = paginate(selectors.organization_affiliations(scope=scope, organization=org), request)
    context = {
        "org": org,
        "relationships": org.relationships.all(),
        "page": page,
        "relationship_form": RelationshipForm(),
        "can_kyc": scope.can(Cap.SCREEN_CUSTOMERS),
    }
    return render(request, "register/organization_detail.html", context)


@require_POST
@requires(Cap.KEEP_REGISTER)
def organization_relationship_add_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    org = selectors.organization_get(scope=scope, organization_id=organization_id)

    def start(data: dict[str, Any]) -> None:
        services.relationship_add(
            actor=_actor(request),
            organization=org,
            kind=data["kind"],
            start=data["start"],
            scope=scope,
        )

    _apply(request, RelationshipForm(request.POST), start, _("The relationship was started."))
    return redirect("register:organization_detail", organization_id=org.pk)


@require_POST
@requires(Cap.KEEP_REGISTER)
def organization_relationship_end_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    org = selectors.organization_get(scope=scope, organization_id=organization_id)

    def end(data: dict[str, Any]) -> None:
        services.relationship_end(
            actor=_actor(request),
            relationship=get_object_or_404(org.relationships, pk=data["item"]),
            end=data["end"],
            scope=scope,
        )

    _apply(request, EndForm(request.POST), end, _("The relationship was ended."))
    return redirect("register:organization_detail", organization_id=org.pk)


@requires(Cap.KEEP_REGISTER)
def organization_create_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        form = OrganizationForm(request.POST, scope=scope)
        if form.is_valid():
            try:
                org = services.organization_create(
                    actor=_actor(request),
                    controller=form.cleaned_data["controller"],
                    data=form.data_for_service(),
                    scope=scope,
                    source=services.SourceRef(kind=SourceKind.DATA_SUBJECT),
                )
            except InputError as exc:
                show_input_error(form, exc.errors)
            except ProcessingRefused as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The organisation was added to the register."))
                return redirect("register:organization_detail", organization_id=org.pk)
    else:
        form = OrganizationForm(scope=scope)
    return render(request, "register/organization_form.html", {"form": form, "org": None})


@requires(Cap.KEEP_REGISTER)
def organization_edit_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    org = selectors.organization_get(scope=scope, organization_id=organization_id)
    if request.method == "POST":
        form = OrganizationForm(request.POST, scope=scope, editing=True)
        if form.is_valid():
            try:
                services.organization_update(
                    actor=_actor(request),
                    organization=org,
                    data=form.data_for_service(),
                    scope=scope,
                )
            except InputError as exc:
                show_input_error(form, exc.errors)
            except ProcessingRefused as exc:
                _refused(form, exc)
                return _org_form(request, form, org, status=403)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("register:organization_detail", organization_id=org.pk)
    else:
        form = OrganizationForm(initial=_org_initial(org), scope=scope, editing=True)
    return _org_form(request, form, org)


def _org_form(request: HttpRequest, form: Any, org: Any, status: int = 200) -> HttpResponse:
    return render(
        request, "register/organization_form.html", {"form": form, "org": org}, status=status
    )


def _org_initial(org: Any) -> dict[str, Any]:
    return {name: getattr(org, name) for name in services.ORG_EDITABLE}
