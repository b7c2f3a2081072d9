"""The "while" conditions of retention rules, decided from the register's own rows.

A rule may keep data regardless of its period for as long as any condition of its
`while_any` holds for the person (catalogue.conditions.WHILE_CONDITIONS is the list and
their wording). Each condition is written here ONCE, as a database condition on a person
(`condition_exists(code, person, day)`, an EXISTS subquery correlated with the person's
id). The sweep, the plan and verify exclude the rows whose person satisfies it
(`kept_while_q`, set-based, no row goes through Python); the per-person evaluation
(erasure plan, access package) asks the same condition for one person (`holding`). So the
two can never disagree about whether a condition holds.

- is_contact_person: the person has a link to an organisation that has not ended on the day.
- has_open_relationship: the person has a live link to an organisation whose relationship
  with us has not ended (an organisation without relationship rows counts as live, as in
  engine.ended_relationship_persons).
- service_history_kept: an organisation the person is linked to still has service requests
  or service accounts (with their use records) in the register.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from rekisteri.catalogue.conditions import WHILE_CONDITIONS
from rekisteri.interactions.models import ServiceAccount, ServiceRequest
from rekisteri.register.models import (
    Affiliation,
    Organization,
    OrganizationRelationship,
    Person,
)


def live_affiliations(day: date) -> QuerySet[Affiliation]:
    """Links that have not ended on `day` (no end, or an end after it)."""
    return Affiliation.objects.filter(Q(end__isnull=True) | Q(end__gt=day))


def ended_organizations(day: date) -> QuerySet[Organization]:
    """Organisations with relationships, all of which ended on or before `day`."""
    return (
        Organization.objects.filter(relationships__isnull=False)
        .exclude(relationships__end__isnull=True)
        .exclude(relationships__end__gt=day)
        .values("pk")
    )


def _is_contact_person(person: Any, day: date) -> Exists:
    return Exists(live_affiliations(day).filter(person_id=person))


def _has_open_relationship(person: Any, day: date) -> Exists:
    # Correlated with each link's organisation (two index look-ups per link), not
    # `organization__in=ended_organizations(day)`: that evaluated every organisation's
    # relationships for each person asked (0.15 s per person at 200,000 organisations).
    org = OuterRef("organization_id")
    relationships = OrganizationRelationship.objects.filter(organization_id=org)
    open_relationship = relationships.filter(Q(end__isnull=True) | Q(end__gt=day))
    return Exists(
        live_affiliations(day)
        .filter(person_id=person)
        .filter(~Exists(relationships) | Exists(open_relationship))
    )


def _service_history_kept(person: Any, day: date) -> Exists:
    org = OuterRef("organization_id")
    history = Exists(ServiceRequest.objects.filter(organization_id=org)) | Exists(
        ServiceAccount.objects.filter(organization_id=org)
    )
    return Exists(Affiliation.objects.filter(person_id=person).filter(history))


#: code → the condition on a person (an expression giving the person's id) on a day
CHECKS: dict[str, Callable[[Any, date], Exists]] = {
    "is_contact_person": _is_contact_person,
    "has_open_relationship": _has_open_relationship,
    "service_history_kept": _service_history_kept,
}


def condition_exists(code: str, person: Any, day: date) -> Exists:
    """The condition `code` for the person whose id `person` (an OuterRef) gives."""
    if code not in WHILE_CONDITIONS or code not in CHECKS:
        # Fail closed: a condition the catalogue may name but nothing here decides.
        raise LookupError(f"retention condition {code!r} is not implemented")
    return CHECKS[code](person, day)


def kept_while_q(person_path: str | None, codes: Iterable[str], day: date) -> Q | None:
    """Rows (of a model whose person is at `person_path`; "pk" for Person) that a rule's
    while-conditions keep on `day`; None if the rule has none. A row without a person (or
    of a model without one) is kept by no condition."""
    codes = tuple(codes)
    if not codes:
        return None
    if not person_path:
        return Q(pk__in=[])
    ref = OuterRef(person_path)
    q = Q()
    for code in codes:
        q |= Q(condition_exists(code, ref, day))
    return q


def holding(person_id: int, codes: Iterable[str], day: date) -> tuple[str, ...]:
    """The conditions of `codes` that hold for one person on `day` (one query)."""
    codes = tuple(dict.fromkeys(codes))
    if not codes:
        return ()
    row = (
        Person.objects.filter(pk=person_id)
        .annotate(
            **{f"c_{i}": condition_exists(c, OuterRef("pk"), day) for i, c in enumerate(codes)}
        )
        .values(*(f"c_{i}" for i in range(len(codes))))
        .first()
    )
    if row is None:
        return ()
    return tuple(c for i, c in enumerate(codes) if row[f"c_{i}"])
