"""Staff pages of interactions: a person's and an organisation's timeline, recording a new
interaction, and downloading an interaction's file. Thin: selectors and services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.gate import requires, scope_of
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import category_of
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, actor_of, audit_record
from rekisteri.common.client import client_ip
from rekisteri.interactions import selectors, services
from rekisteri.interactions.files import file_path
from rekisteri.interactions.models import KINDS
from rekisteri.register.models import record_key
from rekisteri.register.selectors import person_get_to_change, purpose_for

KIND_LABELS = selectors.KIND_LABELS


def _actor(request: HttpRequest) -> Actor:
    return actor_of(request.user, ip=client_ip(request))


@requires(Cap.RECORD_INTERACTIONS)
def person_timeline(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    kind = request.GET.get("kind") or None
    person, timeline = selectors.person_timeline(
        scope=scope, actor=_actor(request), person_id=person_id, kind=kind
    )
    creatable = [(k, KIND_LABELS[k]) for k in selectors.recordable_kinds(scope, person)]
    context = {
        "person": person,
        "timeline": timeline,
        "kind": kind,
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "creatable": creatable,
    }
    return render(request, "interactions/timeline.html", context)


@requires(Cap.RECORD_INTERACTIONS)
def organization_timeline(request: HttpRequest, organization_id: int) -> HttpResponse:
    scope = scope_of(request)
    kind = request.GET.get("kind") or None
    org, timeline = selectors.organization_timeline(
        scope=scope, actor=_actor(request), organization_id=organization_id, kind=kind
    )
    context = {
        "organization": org,
        "timeline": timeline,
        "kind": kind,
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
    }
    return render(request, "interactions/timeline.html", context)


def interaction_form_class(kind: str, controller_id: int) -> type[forms.ModelForm]:
    model = KINDS[kind]
    names = [f.name for f in services.input_fields(kind)]
    form_class = forms.modelform_factory(model, fields=names)
    for name in names:
        f = model._meta.get_field(name)
        if f.is_relation:
            related = f.related_model._default_manager
            if any(x.name == "controller" for x in f.related_model._meta.fields):
                related = related.filter(controller_id=controller_id)
            form_class.base_fields[name].queryset = related.all()
    if "occurred_at" in form_class.base_fields:
        form_class.base_fields["occurred_at"].widget = forms.DateTimeInput(
            attrs={"type": "datetime-local"}
        )
    if services.file_field(kind):
        form_class.base_fields["upload"] = forms.FileField(label=_("File"), required=False)
    return form_class


@requires(Cap.RECORD_INTERACTIONS)
def interaction_create(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    # Recording changes the person's record: a shared person is read-only (403).
    person = person_get_to_change(scope=scope, person_id=person_id)
    recordable = selectors.recordable_kinds(scope, person)
    kind = request.GET.get("kind") or request.POST.get("kind") or next(iter(recordable), "")
    if kind not in recordable:
        raise Http404  # a kind whose category the user's purposes do not cover
    form_class = interaction_form_class(kind, person.controller_id)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            data = {}
            for name, value in form.cleaned_data.items():
                if name == "upload":
                    continue
                f = KINDS[kind]._meta.get_field(name)
                data[f.attname if f.is_relation else name] = (
                    value.pk if f.is_relation and value is not None else value
                )
            upload = None
            if form.cleaned_data.get("upload"):
                up = form.cleaned_data["upload"]
                upload = services.Upload(
                    data=up.read(),
                    content_type=up.content_type or "",
                    suffix=(up.name.rsplit(".", 1)[-1] if "." in up.name else ""),
                )
            try:
                services.interaction_create(
                    actor=_actor(request),
                    kind=kind,
                    person=person,
                    data=data,
                    scope=scope,
                    organization=form.cleaned_data.get("organization"),
                    upload=upload,
                )
            except services.InteractionInputError as exc:
                for name, message in exc.errors.items():
                    if name in services.UPLOAD_FIELDS and "upload" in form.fields:
                        name = "upload"  # the file's type and name come with the file
                    form.add_error(name if name in form.fields else None, _(message))
            except ProcessingRefused as exc:
                form.add_error(None, exc.reason)
                status = 403
            else:
                messages.success(request, _("The interaction was recorded."))
                return redirect("interactions:person_timeline", person_id=person.pk)
    else:
        form = form_class()
    context = {
        "person": person,
        "form": form,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "kinds": [(k, KIND_LABELS[k]) for k in recordable],
    }
    return render(request, "interactions/create.html", context, status=status)


@requires(Cap.RECORD_INTERACTIONS)
def interaction_file(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    scope = scope_of(request)
    obj, name = selectors.interaction_file_get(scope=scope, kind=kind, pk=pk)
    stored = getattr(obj, name)
    path = file_path(stored)
    if not path.exists():
        raise Http404
    categories = [category_of(KINDS[kind], name)]
    person = obj.person if obj.person_id is not None else None  # type: ignore[attr-defined]
    audit_record(
        actor=_actor(request),
        action=AuditAction.VIEW,
        person_id=person.pk if person is not None else None,
        record=record_key(obj),
        categories=categories,
        fields=[name],
        purpose=purpose_for(scope, categories, person=person, capability=Cap.RECORD_INTERACTIONS),
    )
    # A type or an extension stored before they were checked at upload (services.upload_errors)
    # must not break the headers: the download is then a plain file without them.
    media_type = stored.content_type if services.MEDIA_TYPE.fullmatch(stored.content_type) else ""
    suffix = path.suffix if services.SUFFIX.fullmatch(path.suffix[1:]) else ""
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=media_type or "application/octet-stream",
        as_attachment=True,
        filename=f"{kind}-{pk}{suffix}",
    )
    return response


__all__ = ["interaction_form_class", "Any"]
