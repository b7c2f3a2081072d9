"""Writes of interactions: create one (UI, API), import many (CSV), each audited.

Input is validated per kind from the model itself: the fields a kind accepts are its
editable fields (links by id, to records of the same group company), and every error names
the field; messages never repeat the value (it may be personal data).

Every write takes the scope it is done in, never optional: a staff user's, or
`access.selectors.system_scope(reason)` for an import run by an operator.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_noop

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.models import SourceKind
from rekisteri.common.personal import mapped_fields
from rekisteri.interactions.files import file_store, orphan_files_remove
from rekisteri.interactions.models import KINDS, Interaction, StoredFile
from rekisteri.interactions.selectors import kind_category
from rekisteri.register.models import (
    ContactPoint,
    Controller,
    Organization,
    Person,
    Provenance,
    record_key,
)
from rekisteri.register.selectors import purpose_for

__all__ = [
    "InteractionInputError",
    "interaction_create",
    "interactions_import",
    "orphan_files_remove",
]

#: Fields set by the system, never from input.
SYSTEM_FIELDS = {
    "id",
    "controller",
    "person",
    "organization",
    "recorded_at",
    "recorded_by",
    "anonymised_at",
}
GENERATED_KINDS = {"web_visit", "service_account", "camera_recording"}


class InteractionInputError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def kind_of(model: type[models.Model]) -> str:
    return next(k for k, m in KINDS.items() if m is model)


def input_fields(kind: str) -> list[models.Field]:
    """The fields a kind accepts from input, in model order (file links excluded)."""
    model = KINDS[kind]
    out = []
    for f in model._meta.concrete_fields:
        if f.name in SYSTEM_FIELDS or not f.editable:
            continue
        if f.is_relation and f.related_model is StoredFile:
            continue
        out.append(f)
    return out


def file_field(kind: str) -> str | None:
    model = KINDS[kind]
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model is StoredFile:
            return f.name
    return None


def _input_name(f: models.Field) -> str:
    return f.attname if f.is_relation else f.name


def _convert(f: models.Field, raw: Any) -> Any:
    """Raw input (str from CSV or form, typed from JSON) to the field's Python value."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if f.null:
            return None
        if f.has_default():
            # A default is a value like any other: 0 becomes Decimal("0") for a DecimalField.
            default = f.get_default()
            return default if default is None or default == "" else _convert(f, default)
        if isinstance(f, models.CharField | models.TextField) and f.blank:
            return ""
        raise ValueError("is required")
    if isinstance(f, models.DateTimeField):
        value = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
        if value is None:
            d = parse_date(str(raw))
            if d is None:
                raise ValueError("is not a date and time like 2026-03-01T14:30")
            value = datetime(d.year, d.month, d.day)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
    if isinstance(f, models.DateField):
        value = raw if isinstance(raw, date) else parse_date(str(raw))
        if value is None:
            raise ValueError("is not a date like 2026-03-01")
        return value
    if isinstance(f, models.BooleanField):
        text = str(raw).lower()
        if text in ("1", "true", "yes", "kyllä", "ja"):
            return True
        if text in ("0", "false", "no", "ei", "nej"):
            return False
        raise ValueError("is not true or false")
    if isinstance(f, models.DecimalField):
        try:
            return Decimal(str(raw).replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError("is not a number like 120.50") from exc
    if isinstance(f, models.IntegerField) or f.is_relation:
        try:
            return int(str(raw))
        except ValueError as exc:
            raise ValueError("is not a whole number") from exc
    return str(raw)


_MESSAGES = {
    "max_length": "is too long",
    "invalid_choice": "is not one of the allowed values",
    "invalid": "is not valid",
    "min_value": "is too small",
    "max_value": "is too large",
    "max_digits": "has too many digits",
    "max_decimal_places": "has too many decimals",
}


def clean_interaction(
    kind: str, data: dict[str, Any], *, controller_id: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated values by field attname, and errors by input name. A link (an event, a
    project) must name a record of the same group company."""
    if kind not in KINDS:
        return {}, {"kind": "is not one of: " + ", ".join(KINDS)}
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = set()
    for f in input_fields(kind):
        name = _input_name(f)
        known |= {name, f.name}
        raw = data.get(name, data.get(f.name))
        try:
            value = _convert(f, raw)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if value is not None and not f.is_relation:
            try:
                f.run_validators(value)
                if f.choices and value not in {c[0] for c in f.flatchoices}:
                    raise ValidationError("", code="invalid_choice")
            except ValidationError as exc:
                code = getattr(exc, "code", None) or (
                    exc.error_list[0].code if exc.error_list else "invalid"
                )
                errors[name] = _MESSAGES.get(code or "invalid", "is not valid")
                if code == "invalid_choice":
                    errors[name] += ": " + ", ".join(str(c[0]) for c in f.flatchoices)
                continue
        values[f.attname] = value
    for name in data:
        if name not in known and data.get(name) not in (None, ""):
            errors[name] = f"is not a field of {kind}"
    for f in input_fields(kind):
        pk = values.get(f.attname) if f.is_relation else None
        if pk is None:
            continue
        related = f.related_model._default_manager.filter(pk=pk)
        if any(x.name == "controller" for x in f.related_model._meta.fields):
            related = related.filter(controller_id=controller_id)
        if not related.exists():
            errors[_input_name(f)] = "names a record that does not exist"
    return values, errors


def _purpose_for(scope: Scope, category: str, person: Person | None = None) -> str:
    return purpose_for(scope, [category], person=person, capability=Cap.RECORD_INTERACTIONS)


@dataclass(frozen=True)
class Upload:
    data: bytes
    content_type: str = ""
    suffix: str = ""


#: A media type as RFC 6838 writes it (type/subtype, optional parameters), printable ASCII
#: only: it goes back out in the download's Content-Type header, where a line break would
#: start a header of its own (and Django refuses it with a 500).
MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}"
    r"(?: *; *[A-Za-z0-9!#$&^_.+-]+=[\x21-\x7e]+)*"
)
#: A file name's extension, which becomes the stored file's and the download name's.
SUFFIX = re.compile(r"[A-Za-z0-9]{1,16}")


#: the input fields of an upload's type and file name (the staff form has one file field)
UPLOAD_FIELDS = ("file_type", "file_name")
TYPE_TOO_LONG = gettext_noop("is too long: at most 100 characters")
NOT_A_MEDIA_TYPE = gettext_noop("is not a media type such as application/pdf")
NOT_AN_EXTENSION = gettext_noop("must end in an extension of letters and digits, such as .pdf")


def upload_errors(upload: Upload) -> dict[str, str]:
    """The upload's type and file name, refused with the field named if a header cannot
    carry them (control characters, line breaks) or they are not a type and an extension."""
    errors: dict[str, str] = {}
    if upload.content_type:
        if len(upload.content_type) > 100:
            errors["file_type"] = TYPE_TOO_LONG
        elif not MEDIA_TYPE.fullmatch(upload.content_type):
            errors["file_type"] = NOT_A_MEDIA_TYPE
    if upload.suffix and not SUFFIX.fullmatch(upload.suffix):
        errors["file_name"] = NOT_AN_EXTENSION
    return errors


@transaction.atomic
def interaction_create(
    *,
    actor: Actor,
    kind: str,
    person: Person | None,
    data: dict[str, Any],
    scope: Scope,
    organization: Organization | None = None,
    controller: Controller | None = None,
    upload: Upload | None = None,
) -> models.Model:
    """Record one interaction of a person (or of an organisation without a person)."""
    if kind not in KINDS:
        raise InteractionInputError({"kind": "is not one of: " + ", ".join(KINDS)})
    category = kind_category(kind)
    controller = controller or (person.controller if person else None)
    if controller is None and organization is not None:
        controller = organization.controller
    if controller is None:
        raise InteractionInputError({"person_id": "is required (or organization_id)"})
    if not scope.is_staff or controller.pk not in scope.controller_ids:
        raise ProcessingRefused(
            gettext("You are not staff of this group company."), code="controller"
        )
    if category not in scope.categories:
        raise ProcessingRefused(
            gettext("Your role's purposes do not cover these data categories"), code="category"
        )
    if person is not None:
        if person.controller_id != controller.pk:
            raise ProcessingRefused(
                gettext("You are not staff of this group company."), code="controller"
            )
        check_processing(scope, person, Operation.EDIT, categories={category})
    values, errors = clean_interaction(kind, data, controller_id=controller.pk)
    if organization is not None and organization.controller_id != controller.pk:
        errors["organization_id"] = "belongs to another group company"
    if upload is not None and file_field(kind) is None:
        errors["file"] = f"{kind} has no file"
    if upload is not None:
        errors.update(upload_errors(upload))
    if errors:
        raise InteractionInputError(errors)
    model = KINDS[kind]
    obj = model(
        controller=controller,
        person=person,
        organization=organization if hasattr(model, "organization_id") else None,
        recorded_by=actor.name,
        **values,
    )
    if upload is not None:
        setattr(
            obj,
            file_field(kind),  # type: ignore[arg-type]
            file_store(data=upload.data, content_type=upload.content_type, suffix=upload.suffix),
        )
    obj.save()
    fields = [m.name for m in mapped_fields(model) if getattr(obj, m.name, None) not in ("", None)]
    purpose = _purpose_for(scope, category, person)
    if person is not None:
        Provenance.objects.create(
            person=person,
            record=record_key(obj),
            fields=sorted(fields),
            source_kind=SourceKind.GENERATED
            if kind in GENERATED_KINDS
            else SourceKind.DATA_SUBJECT,
            source_name="",
            collected_at=timezone.now(),
            recorded_by=actor.name,
            purpose=purpose,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        person_id=person.pk if person else None,
        record=record_key(obj),
        categories=[category],
        fields=fields,
        purpose=purpose,
        detail=scope.audit_detail(),
    )
    return obj


# --- import ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv(text: str) -> list[dict[str, str]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]


def _find_person(
    controller: Controller, row: dict[str, str], cache: dict[str, int | None]
) -> tuple[int | None, str | None]:
    pid = (row.get("person_id") or "").strip()
    email = (row.get("person_email") or "").strip().lower()
    if pid:
        if not pid.isdigit():
            return None, "person_id: is not a whole number"
        key = "id:" + pid
        if key not in cache:
            cache[key] = (
                Person.objects.filter(pk=int(pid), controller=controller)
                .values_list("pk", flat=True)
                .first()
            )
        if cache[key] is None:
            return None, "person_id: no such person in this group company"
        return cache[key], None
    if email:
        key = "email:" + email
        if key not in cache:
            cache[key] = (
                ContactPoint.objects.filter(
                    kind="email", value=email, person__controller=controller
                )
                .values_list("person_id", flat=True)
                .first()
            )
        if cache[key] is None:
            return None, "person_email: no person in this group company has this address"
        return cache[key], None
    return None, None


def interactions_import(
    *,
    actor: Actor,
    controller: Controller,
    rows: list[dict[str, str]],
    scope: Scope,
    dry_run: bool = False,
) -> ImportResult:
    """Validate every row first; write all of them in one transaction, or none.

    Columns: kind, person_id or person_email, organization_business_id (optional), and the
    fields of the kind (docs/interactions.md). Errors name the row (header = row 1) and column.
    The scope must keep the group company's register and cover each row's category.
    """
    if not scope.is_staff or controller.pk not in scope.controller_ids:
        raise ProcessingRefused(
            gettext("You are not staff of this group company."), code="controller"
        )
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    people: dict[str, int | None] = {}
    orgs: dict[str, int | None] = {}
    prepared: list[tuple[str, int | None, dict[str, Any]]] = []
    restricted = set(
        Person.objects.filter(controller=controller, restricted_since__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for n, row in enumerate(rows, start=2):
        kind = (row.get("kind") or "").strip()
        if kind not in KINDS:
            result.errors.append(f"row {n}, column kind: is not one of: {', '.join(KINDS)}")
            continue
        if kind_category(kind) not in scope.categories:
            result.errors.append(
                f"row {n}, column kind: your role's purposes do not cover this kind"
            )
            continue
        person_id, problem = _find_person(controller, row, people)
        if problem:
            result.errors.append(f"row {n}, column {problem}")
            continue
        if person_id in restricted:
            result.errors.append(f"row {n}: the person's processing is restricted (Art. 18)")
            continue
        org_id = None
        business_id = (row.get("organization_business_id") or "").strip()
        if business_id:
            if business_id not in orgs:
                orgs[business_id] = (
                    Organization.objects.filter(controller=controller, business_id=business_id)
                    .values_list("pk", flat=True)
                    .first()
                )
            org_id = orgs[business_id]
            if org_id is None:
                result.errors.append(
                    f"row {n}, column organization_business_id: no such organisation"
                )
                continue
        if person_id is None and org_id is None:
            result.errors.append(
                f"row {n}, column person_id: a person or an organisation is needed"
            )
            continue
        data = {
            k: v
            for k, v in row.items()
            if k not in ("kind", "person_id", "person_email", "organization_business_id")
            and v != ""
        }
        values, errors = clean_interaction(kind, data, controller_id=controller.pk)
        for name, message in errors.items():
            result.errors.append(f"row {n}, column {name}: {message}")
        if not errors:
            values["organization_id"] = org_id
            prepared.append((kind, person_id, values))
    if result.errors or dry_run:
        for kind, _, _ in prepared:
            result.created[kind] = result.created.get(kind, 0) + 1
        return result
    with transaction.atomic():
        by_kind: dict[str, list[models.Model]] = {}
        for kind, person_id, values in prepared:
            model = KINDS[kind]
            if not hasattr(model, "organization_id"):
                values.pop("organization_id", None)
            by_kind.setdefault(kind, []).append(
                model(controller=controller, person_id=person_id, recorded_by=actor.name, **values)
            )
        provenance = []
        now = timezone.now()
        purposes = {kind: _purpose_for(scope, kind_category(kind)) for kind in by_kind}
        for kind, objs in by_kind.items():
            created = KINDS[kind]._default_manager.bulk_create(objs, batch_size=1000)
            result.created[kind] = len(created)
            mapped = sorted(m.name for m in mapped_fields(KINDS[kind]))
            for obj in created:
                if obj.person_id:
                    provenance.append(
                        Provenance(
                            person_id=obj.person_id,
                            record=record_key(obj),
                            fields=mapped,
                            source_kind=SourceKind.GENERATED
                            if kind in GENERATED_KINDS
                            else SourceKind.DATA_SUBJECT,
                            source_name="import",
                            collected_at=now,
                            recorded_by=actor.name,
                            purpose=purposes[kind],
                        )
                    )
        Provenance.objects.bulk_create(provenance, batch_size=1000)
        person_ids = sorted({p for _, p, _ in prepared if p})
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            person_ids=person_ids,
            categories=sorted({kind_category(k) for k in by_kind}),
            purpose=purpose_for(
                scope,
                {kind_category(k) for k in by_kind},
                capability=Cap.RECORD_INTERACTIONS,
            ),
            reason="interactions import",
            detail=scope.audit_detail(rows=len(rows), created=result.created),
        )
    return result


def is_interaction(model: type[models.Model]) -> bool:
    return issubclass(model, Interaction)
