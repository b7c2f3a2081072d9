"""The field map: every model field that holds personal data names its data category.

A field is marked where it is declared:

    first_name = personal(models.CharField(max_length=100), "basic")

and a model that holds a data subject's data says how to reach that subject:

    class ContactPoint(PersonalData, models.Model):
        subject_path = "person"
        non_personal_fields = ("id", "created_at", "person")

`rekisteri catalogue check` walks every installed model: a model with a relation to Person
that does not declare `subject_path`, or a field of a personal-data model that is neither
mapped nor listed as non-personal, fails the check by name. The access package, portability,
erasure plans and retention all read this map; there is no second list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.db import models

F = TypeVar("F", bound=models.Field)


def personal(field: F, category: str) -> F:
    """Mark a model field as personal data of the given catalogue category."""
    field.data_category = category  # type: ignore[attr-defined]
    return field


class PersonalData:
    """Mixin for models that hold personal data of one data subject (a Person)."""

    #: ORM path from this model to its Person ("" for Person itself, None: not linked).
    subject_path: ClassVar[str | None] = None
    #: Concrete fields that hold no personal data (ids, timestamps, links, flags of ours).
    non_personal_fields: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True)
class MappedField:
    model: type[models.Model]
    name: str
    category: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"


def field_category(field: models.Field) -> str | None:
    return getattr(field, "data_category", None)


def personal_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if getattr(m, "subject_path", None) is not None]


def mapped_fields(model: type[models.Model]) -> list[MappedField]:
    out = []
    for field in model._meta.concrete_fields:
        category = field_category(field)
        if category:
            out.append(MappedField(model, field.name, category))
    return out


def iter_field_map() -> Iterator[MappedField]:
    for model in personal_models():
        yield from mapped_fields(model)


def subject_filter(model: type[models.Model], person_ids: Any) -> dict[str, Any]:
    """Keyword filter that selects this model's rows of the given persons."""
    path = model.subject_path  # type: ignore[attr-defined]
    key = f"{path}__in" if path else "pk__in"
    return {key: person_ids}


def field_map_problems() -> list[str]:
    """Every way the field map is incomplete, named by model and field."""
    from rekisteri.register.models import Person

    problems: list[str] = []
    for model in apps.get_models():
        label = model._meta.label
        is_personal = getattr(model, "subject_path", None) is not None
        links_person = any(
            f.is_relation and f.related_model is Person and f.concrete
            for f in model._meta.get_fields()
        )
        if not is_personal:
            if links_person:
                problems.append(
                    f"{label}: has a relation to Person but declares no subject_path "
                    "(mark it PersonalData and map its fields)"
                )
            for field in model._meta.concrete_fields:
                if field_category(field):
                    problems.append(
                        f"{label}.{field.name}: mapped, but the model is not PersonalData"
                    )
            continue
        non_personal = set(model.non_personal_fields)  # type: ignore[attr-defined]
        for field in model._meta.concrete_fields:
            category = field_category(field)
            if category and field.name in non_personal:
                problems.append(f"{label}.{field.name}: both mapped and listed as non-personal")
            if not category and field.name not in non_personal:
                problems.append(
                    f"{label}.{field.name}: holds data of a data subject but has no data category"
                )
        unknown = non_personal - {f.name for f in model._meta.concrete_fields}
        for name in sorted(unknown):
            problems.append(f"{label}.non_personal_fields names {name!r}, which is not a field")
    return problems
