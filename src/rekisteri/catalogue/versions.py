"""Safe versions: what a new catalogue would leave behind when it drops entries.

A category the new catalogue no longer declares is off: its fields disappear from every
role, form and export, and no retention rule applies to them any more. A purpose it drops
no longer allows anything: consents, shares and provenance that name it remain as history.
`drop_plan` counts, per dropped category and purpose, the rows that still hold such data, so
that a load can be refused with those counts (or forced with the plan in the audit trail).

Where the data of a category lives comes from the field map (common.personal). Where a
purpose is named comes from the models themselves: every character field called `purpose`
or `*_purpose` without fixed choices holds a catalogue purpose code. The audit trail is left
out: it records history and never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from rekisteri.common.personal import iter_field_map

#: apps whose rows are history that is never changed or dropped with the catalogue
HISTORY_APPS = frozenset({"audit"})


@dataclass
class DropPlan:
    #: dropped category → {"app.Model": rows holding its fields}
    categories: dict[str, dict[str, int]] = field(default_factory=dict)
    #: dropped purpose → {"app.Model.field": rows naming it}
    purposes: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def holds_data(self) -> bool:
        return any(self.categories.values()) or any(self.purposes.values())

    def as_dict(self) -> dict[str, Any]:
        return {"categories": self.categories, "purposes": self.purposes}

    def lines(self) -> list[str]:
        """The plan in words, one line per dropped entry and table."""
        out: list[str] = []
        for code, counts in sorted(self.categories.items()):
            if not counts:
                continue
            out.append(
                f"category {code!r} is dropped but {sum(counts.values())} rows hold its data; "
                "they stay in the database, hidden from every role, form and export, no "
                "retention rule deletes them, and access packages and erasure still cover them:"
            )
            out += [f"  {label}: {n} rows" for label, n in sorted(counts.items())]
        for code, counts in sorted(self.purposes.items()):
            if not counts:
                continue
            out.append(
                f"purpose {code!r} is dropped but {sum(counts.values())} rows name it; they "
                "stay as history and allow nothing under the new catalogue (consents under it "
                "no longer permit processing, shares under it no longer show the person, "
                "roles lose its capabilities):"
            )
            out += [f"  {label}: {n} rows" for label, n in sorted(counts.items())]
        return out


def drop_plan(old: Any, new: Any) -> DropPlan:
    """What dropping old's categories and purposes that new lacks would leave behind.

    `old` and `new` are snapshots (catalogue.selectors.Snapshot)."""
    plan = DropPlan()
    for code in sorted(set(old.categories) - set(new.categories)):
        plan.categories[code] = category_rows(code)
    dropped = sorted(set(old.purposes) - set(new.purposes))
    if dropped:
        plan.purposes = purpose_rows(dropped)
    return plan


def category_rows(category: str) -> dict[str, int]:
    """Rows per model holding a non-empty value in a field of this category."""
    by_model: dict[type[models.Model], list[str]] = {}
    for mapped in iter_field_map():
        if mapped.category == category:
            by_model.setdefault(mapped.model, []).append(mapped.name)
    out: dict[str, int] = {}
    for model, names in by_model.items():
        q = Q()
        for name in names:
            q |= _holds_value(model._meta.get_field(name))
        n = model._default_manager.filter(q).count()
        if n:
            out[model._meta.label] = n
    return out


def _holds_value(f: Any) -> Q:
    name = f.name
    if isinstance(f, models.BooleanField):
        return Q(**{name: True})
    q = Q(**{f"{name}__isnull": False})
    if isinstance(f, models.CharField | models.TextField):
        q &= ~Q(**{name: ""})
    elif isinstance(f, models.JSONField):
        q &= ~Q(**{name: []}) & ~Q(**{name: {}})
    elif isinstance(f, models.FileField):
        q &= ~Q(**{name: ""})
    return q


def purpose_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every field that holds a catalogue purpose code."""
    out = []
    for model in apps.get_models():
        if model._meta.app_label in HISTORY_APPS or model._meta.app_label == "catalogue":
            continue
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, models.CharField)
                and not f.choices
                and (f.name == "purpose" or f.name.endswith("_purpose"))
            ):
                out.append((model, f.name))
    return out


def purpose_rows(purposes: list[str]) -> dict[str, dict[str, int]]:
    """purpose → {"app.Model.field": rows naming it}, for each given purpose."""
    out: dict[str, dict[str, int]] = {p: {} for p in purposes}
    for model, name in purpose_fields():
        rows = (
            model._default_manager.filter(**{f"{name}__in": purposes})
            .values_list(name)
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        for purpose, n in rows:
            out[purpose][f"{model._meta.label}.{name}"] = n
    return out
