"""Opt-out minimisation: a marketing-only contact who objects keeps only the suppression entry.

The catalogue's register policy `opt_out_minimisation` (Accountor: "only the minimum needed
to honour the opt-out is kept"). When a person objects to all direct marketing and they are a
*marketing-only contact*, their record is erased in the objection's own transaction; the
suppression list's keyed hashes of their addresses (added by the objection) are what remains,
so that marketing never starts again. The objection, the minimisation event and the erasure
are written to the audit trail together, or none of them.

A marketing-only contact is decided from the catalogue and the field map, never from codes:

- the categories of the catalogue split three ways by the purposes that cover them: covered
  only by purposes with `direct_marketing = true` ("marketing's own", e.g. consents and
  tracking), by no direct-marketing purpose ("other", e.g. billing, tickets, KYC), and by both
  ("shared", e.g. names and addresses, which every purpose needs to reach the person);
- the person holds no data in an "other" category (a field of the field map with a value, in
  any row of theirs);
- every purpose their data was collected for (provenance) is a direct-marketing purpose, so
  that their names and addresses in "shared" categories are there for marketing only;
- they have no relationship: no link to an organisation with a relationship that has not
  ended (the `has_open_relationship` condition of catalogue/conditions.py).

Anyone else who objects keeps their record with the objection on it (their other purposes
still need it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.selectors import Snapshot, catalogue_snapshot
from rekisteri.common.personal import mapped_fields, personal_models, subject_filter
from rekisteri.register.models import Affiliation, OrganizationRelationship, Person, Provenance

REASON = "opt-out minimisation: a marketing-only contact objected to direct marketing"


def marketing_purposes(snap: Snapshot) -> frozenset[str]:
    return frozenset(code for code, p in snap.purposes.items() if p.direct_marketing)


def non_marketing_categories(snap: Snapshot) -> frozenset[str]:
    """The categories no direct-marketing purpose covers: data in one of these serves
    something other than marketing."""
    marketing = marketing_purposes(snap)
    return frozenset(
        c for c in snap.categories if not any(c in snap.purposes[p].categories for p in marketing)
    )


def _held(value: Any) -> bool:
    return value not in (None, "", False, [], {})


def categories_held(person: Person) -> set[str]:
    """The data categories in which the person has data (the field map, rows with values)."""
    held: set[str] = set()
    for model in personal_models():
        fields = mapped_fields(model)
        if not fields:
            continue
        names = [f.name for f in fields]
        rows = model._default_manager.filter(**subject_filter(model, [person.pk])).values_list(
            *names
        )
        for row in rows:
            held |= {f.category for f, value in zip(fields, row, strict=True) if _held(value)}
    return held


def has_open_relationship(person: Person) -> bool:
    orgs = Affiliation.objects.filter(person=person).values("organization_id")
    return OrganizationRelationship.objects.filter(
        Q(organization_id__in=orgs), end__isnull=True
    ).exists()


def is_marketing_only(person: Person, snap: Snapshot) -> bool:
    """See the module's docstring: no data outside marketing, collected for marketing only,
    and no relationship."""
    marketing = marketing_purposes(snap)
    if not marketing:
        return False
    if categories_held(person) & non_marketing_categories(snap):
        return False
    collected_for = set(
        Provenance.objects.filter(person=person).values_list("purpose", flat=True).distinct()
    )
    if not collected_for or not collected_for <= marketing:
        return False
    return not has_open_relationship(person)


def minimise_after_objection(*, actor: Actor, persons: list[Person]) -> list[int]:
    """Under `opt_out_minimisation`, erase the marketing-only contacts among the persons who
    objected (the caller's transaction, after the suppression entries are added). Returns
    the ids of those reduced to their suppression entry."""
    snap = catalogue_snapshot()
    if not snap.register.opt_out_minimisation:
        return []
    from rekisteri.rights.erasure import erasure_execute

    reduced: list[int] = []
    scope = None
    for person in persons:
        if not is_marketing_only(person, snap):
            continue
        scope = scope or system_scope(REASON)
        held = sorted(categories_held(person))
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            person_id=person.pk,
            record=f"register.Person:{person.pk}",
            categories=held,
            reason="a marketing-only contact objected to direct marketing: reduced to the "
            "suppression entry (opt-out minimisation)",
            detail=scope.audit_detail(categories=held),
        )
        reduced.append(person.pk)
        erasure_execute(scope=scope, actor=actor, person=person)
    return reduced
