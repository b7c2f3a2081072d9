"""The person page's lists, read with prepared statements, are what the ORM reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rekisteri.register.models import ContactPoint, IdentityCode, Provenance
from rekisteri.register.selectors import _rows_of_person

pytestmark = pytest.mark.django_db

FIELDS = {
    ContactPoint: ["id", "kind", "value", "primary", "verified_at", "undeliverable_at"],
    IdentityCode: ["id", "country", "encrypted", "lookup_hash", "masked", "created_at"],
    Provenance: ["id", "record", "fields", "source_kind", "collected_at", "recorded_by"],
}


def test_rows_of_a_person_are_the_orms_rows_in_the_same_order(make_person):
    person = make_person(identity_code="131052-308T", phone="+358401234567")
    other = make_person()
    ContactPoint.objects.create(
        person=person, kind="email", value="toinen@example.fi", undeliverable_at=timezone.now()
    )
    ContactPoint.objects.create(
        person=person, kind="email", value="kolmas@example.fi", verified_at=timezone.now()
    )
    Provenance.objects.filter(person=person).update(collected_at=timezone.now() - timedelta(days=3))
    for model, fields in FIELDS.items():
        ours = _rows_of_person(model, person)
        orm = list(model.objects.filter(person=person))
        assert ours, model
        assert [[getattr(o, f) for f in fields] for o in ours] == [
            [getattr(o, f) for f in fields] for o in orm
        ]
        assert all(o.person is person for o in ours)
        assert not {o.pk for o in ours} & {o.pk for o in model.objects.filter(person=other)}
    assert _rows_of_person(IdentityCode, other) == []


def test_the_lists_read_together_are_the_lists_read_one_by_one(make_person):
    """On PostgreSQL the person page's lists go to the server in one pipeline."""
    from rekisteri.register.models import Affiliation
    from rekisteri.register.selectors import _rows_of_person_many

    person = make_person(identity_code="131052-308T", phone="+358401234567")
    jobs = [
        (ContactPoint, ()),
        (Affiliation, ("organization",)),
        (IdentityCode, ()),
        (Provenance, ()),
    ]
    together = _rows_of_person_many(jobs, person)
    for (model, related), rows in zip(jobs, together, strict=True):
        alone = _rows_of_person(model, person, *related)
        assert [o.pk for o in rows] == [o.pk for o in alone], model
        assert [o.__dict__.get("value") for o in rows] == [o.__dict__.get("value") for o in alone]
        assert all(o.person is person for o in rows)
    assert together[0] and together[2] and together[3]
