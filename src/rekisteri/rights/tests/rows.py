"""Put one person's data into every PersonalData model, generically.

`fill_every_model(person)` walks personal_models() and creates one row per model linked to
the person through its subject_path, with every mapped field filled with a recognisable
marker. A model whose rows cannot be made this way gets a factory in FACTORIES; a model that
neither works generically nor has a factory makes the calling test fail by name.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.common.personal import field_category, personal_models
from rekisteri.register.models import Controller, Person

_counter = itertools.count(1)


def _identity_code(person: Person, marker: str) -> models.Model:
    from rekisteri.register.services import SourceRef, identity_code_set

    return identity_code_set(
        actor=Actor("test"),
        person=person,
        code="131052-308T",
        country="FI",
        source=SourceRef(kind="data_subject"),
        scope=system_scope("test"),
    )


def _released_hold(person: Person, marker: str) -> models.Model:
    # A released hold: its row is the person's data, but it keeps nothing any more.
    from rekisteri.retention.models import LegalHold

    return LegalHold.objects.create(
        controller=person.controller,
        scope="person",
        person=person,
        reason=f"{marker}-reason",
        created_by="test",
        released_at=timezone.now(),
        released_by="test",
    )


FACTORIES: dict[str, Callable[[Person, str], models.Model]] = {
    "register.IdentityCode": _identity_code,
    "retention.LegalHold": _released_hold,
}


def _value(field: models.Field, marker: str) -> Any:
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, models.EmailField):
        return f"{marker}@example.test"[-field.max_length :] if field.max_length else marker
    if isinstance(field, models.URLField):
        return f"https://example.test/{marker}"
    if isinstance(field, models.GenericIPAddressField):
        return "192.0.2.77"
    if isinstance(field, models.CharField | models.TextField):
        max_length = field.max_length or 1000
        return marker[:max_length]
    if isinstance(field, models.DecimalField):
        return Decimal("12.50")
    if isinstance(field, models.FloatField):
        return 1.5
    if isinstance(field, models.PositiveSmallIntegerField | models.SmallIntegerField):
        return 2024
    if isinstance(field, models.IntegerField | models.BigIntegerField):
        return 2024
    if isinstance(field, models.DateTimeField):
        return timezone.now() - timedelta(days=3)
    if isinstance(field, models.DateField):
        return date(2024, 5, 6)
    if isinstance(field, models.DurationField):
        return timedelta(minutes=5)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {"note": marker}
    if isinstance(field, models.BinaryField):
        return marker.encode()
    raise TypeError(f"no generic value for {field.__class__.__name__}")


def make_row(
    model: type[models.Model], person: Person | None, marker: str, *, link_path: str = ""
) -> models.Model:
    """One saved row of `model`; rows on the way to Person point at `person`."""
    label = model._meta.label
    if person is not None and label in FACTORIES:
        return FACTORIES[label](person, marker)
    first_hop = link_path.split("__", 1)[0] if link_path else ""
    rest = link_path.split("__", 1)[1] if "__" in link_path else ""
    kwargs: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        mapped = field_category(f) is not None
        if f.is_relation:
            related = f.related_model
            if related is Person:
                kwargs[f.name] = (
                    person
                    if (person is not None and (mapped or f.name == first_hop or not f.null))
                    else None
                )
                if kwargs[f.name] is None and not f.null:
                    raise TypeError(f"{label}.{f.name} needs a person")
            elif related is Controller:
                kwargs[f.name] = (
                    person.controller if person is not None else Controller.objects.first()
                )
            elif f.name == first_hop:
                kwargs[f.name] = make_row(related, person, marker, link_path=rest)
            elif mapped or not f.null:
                kwargs[f.name] = make_row(related, None, f"{marker}-{f.name}", link_path="")
            continue
        if not mapped and (f.has_default() or f.null or f.blank):
            continue
        kwargs[f.name] = _value(f, f"{marker}-{f.name}-{next(_counter)}")
    obj = model(**kwargs)
    obj.save()
    return obj


def fill_every_model(person: Person) -> dict[type[models.Model], models.Model]:
    """One row per PersonalData model for this person; returns the rows by model."""
    rows: dict[type[models.Model], models.Model] = {}
    for model in personal_models():
        if model is Person:
            rows[model] = person
            continue
        path = model.subject_path  # type: ignore[attr-defined]
        marker = f"zq{model._meta.model_name}"
        many = path and "__" not in path and model._meta.get_field(path).many_to_many
        obj = make_row(model, person, marker, link_path="" if many else path)
        if many:
            getattr(obj, path).add(person)
        rows[model] = obj
    return rows
