"""Reads of the disclosure log: for staff, for the person's access package, and Art. 19."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope, persons_visible
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.common.personal import mapped_fields
from rekisteri.disclosures.models import DisclosedPerson, Disclosure
from rekisteri.register.models import Person
from rekisteri.register.selectors import purpose_for


def disclosure_list(
    *, scope: Scope, recipient_code: str = "", person_id: int | None = None
) -> QuerySet[Disclosure]:
    """Disclosures of the user's group companies: those of one of them, and those of several
    companies that include one of theirs. `person_id` filters by a person of the user's own
    companies only (another company's person finds nothing, as if it did not exist)."""
    if not scope.can(Cap.LOG_DISCLOSURES) or not scope.controller_ids:
        return Disclosure.objects.none()
    ours = DisclosedPerson.objects.filter(
        disclosure_id=OuterRef("pk"), person__controller_id__in=scope.controller_ids
    )
    qs = Disclosure.objects.filter(
        Q(controller_id__in=scope.controller_ids) | (Q(controller__isnull=True) & Q(Exists(ours)))
    )
    if recipient_code:
        qs = qs.filter(recipient_code=recipient_code)
    if person_id is not None:
        qs = qs.filter(
            persons__person_id=person_id,
            persons__person__controller_id__in=scope.controller_ids,
        )
    return qs


def disclosures_for_person(*, person_id: int) -> list[dict[str, Any]]:
    """Every disclosure of this person's data, newest first (for the access package)."""
    rows = (
        DisclosedPerson.objects.filter(person_id=person_id)
        .select_related("disclosure")
        .order_by("-disclosure__at", "-disclosure_id")
    )
    return [
        {
            "recipient": d.disclosure.recipient_code,
            "recipient_name": dict(d.disclosure.recipient_name),
            "country": d.disclosure.recipient_country,
            "at": d.disclosure.at.isoformat(),
            "categories": list(d.disclosure.categories),
            "basis": d.disclosure.basis,
            "reason": d.disclosure.reason,
            "request_ref": d.disclosure.request_ref,
        }
        for d in rows
    ]


def recipients_to_notify(*, person_id: int) -> list[dict[str, Any]]:
    """Art. 19: the distinct recipients this person's data went to, with what went to each.

    Rectification, erasure and restriction are passed on to each of them (unless that proves
    impossible or needs disproportionate effort), and the person may ask for this list.
    """
    out: dict[str, dict[str, Any]] = {}
    for d in disclosures_for_person(person_id=person_id):
        entry = out.setdefault(
            d["recipient"],
            {
                "recipient": d["recipient"],
                "recipient_name": d["recipient_name"],
                "country": d["country"],
                "categories": set(),
                "first_at": d["at"],
                "last_at": d["at"],
                "disclosures": 0,
            },
        )
        entry["categories"] |= set(d["categories"])
        entry["first_at"] = min(entry["first_at"], d["at"])
        entry["last_at"] = max(entry["last_at"], d["at"])
        entry["disclosures"] += 1
    result = []
    for entry in sorted(out.values(), key=lambda e: e["recipient"]):
        entry["categories"] = sorted(entry["categories"])
        result.append(entry)
    return result


def persons_to_disclose(
    *, scope: Scope, q: str = "", person_ids: Iterable[int] = (), limit: int = 20
) -> list[Person]:
    """Persons the user may name in a disclosure, by name for the form: those of `person_ids`
    and those a search for `q` finds (a name or email prefix, as the person list searches),
    of the user's own group companies only (another company's person is its own company's
    to disclose) and only when the user may read their names."""
    from rekisteri.register.selectors import name_category, person_search

    if not scope.can(Cap.LOG_DISCLOSURES) or not scope.controller_ids:
        return []
    ids = sorted({int(i) for i in person_ids})
    chosen: list[Person] = []
    if ids:
        chosen = list(
            persons_visible(
                Person.objects.filter(pk__in=ids[:200], controller_id__in=scope.controller_ids),
                scope,
                categories={name_category()},
            ).order_by("search_name", "id")
        )
    found: list[Person] = []
    if (q or "").strip():
        found = [
            p
            for p in person_search(scope=scope, q=q, limit=limit)
            if p.controller_id in scope.controller_ids and p.pk not in ids
        ]
    return chosen + found


def person_disclosures_opened(*, scope: Scope, actor: Actor, person: Person) -> None:
    """Audit the opening of a person's part of the log: its heading is their name."""
    shown = sorted(
        {m.category for m in mapped_fields(Person) if m.name in ("first_name", "last_name")}
    )
    if not shown:  # fail closed: the field map must say what a name is
        raise LookupError("the field map gives no data category for a person's name")
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        person_id=person.pk,
        record=f"{person._meta.label}:{person.pk}",
        categories=shown,
        purpose=purpose_for(scope, shown, person=person, capability=Cap.LOG_DISCLOSURES),
        reason="the person's disclosures",
        detail=scope.audit_detail(),
    )
