"""Opt-out minimisation (issue 13, item 8): a marketing-only contact who objects to direct
marketing is reduced to the suppression entry, with an audit event, in one transaction."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.consent.minimisation import marketing_purposes
from rekisteri.consent.services import marketing_objection_record, suppression_match
from rekisteri.register.models import Controller, Organization, Person
from rekisteri.register.services import SourceRef, affiliation_add, person_create
from rekisteri.register.tests.catalogues import demo_text, load, with_policy

pytestmark = pytest.mark.django_db
ACTOR = Actor("test")


def _person(email: str, *, purpose: str) -> Person:
    return person_create(
        actor=ACTOR,
        controller=Controller.objects.get(code="esimerkki-fi"),
        data={"first_name": "Maija", "last_name": "Markkinoitava", "email": email},
        scope=system_scope("test"),
        source=SourceRef(kind="third_party", name="messulista", purpose=purpose),
    )


def _marketing_purpose() -> str:
    return sorted(marketing_purposes(catalogue_snapshot()))[0]


def _other_purpose() -> str:
    snap = catalogue_snapshot()
    return next(
        code for code, p in snap.purposes.items() if not p.direct_marketing and p.categories
    )


def _object(person: Person, **kw: Any) -> None:
    marketing_objection_record(
        actor=ACTOR, person=person, source="staff", scope=system_scope("test"), **kw
    )


def test_a_marketing_only_contact_who_objects_is_reduced_to_the_suppression_entry():
    load(with_policy(demo_text(), opt_out_minimisation=True))
    person = _person("maija@example.fi", purpose=_marketing_purpose())
    pid = person.pk
    _object(person)
    assert not Person.objects.filter(pk=pid).exists()
    assert suppression_match(email="maija@example.fi")
    event = AuditEvent.objects.get(action=AuditAction.MARKETING, reason__contains="minimisation")
    assert event.person_id == pid
    assert AuditEvent.objects.filter(action=AuditAction.ERASURE, person_id=pid).exists()


def test_a_customer_contact_who_objects_keeps_their_record():
    load(with_policy(demo_text(), opt_out_minimisation=True))
    person = _person("asiakas@example.fi", purpose=_other_purpose())
    _object(person)
    assert Person.objects.filter(pk=person.pk).exists()
    assert suppression_match(email="asiakas@example.fi")


def test_a_contact_of_a_customer_with_an_open_relationship_keeps_their_record():
    load(with_policy(demo_text(), opt_out_minimisation=True))
    person = _person("yhteys@example.fi", purpose=_marketing_purpose())
    org = Organization.objects.create(controller=person.controller, name="Asiakas Oy")
    org.relationships.create(kind="customer")
    affiliation_add(
        actor=ACTOR,
        person=person,
        organization=org,
        data={},
        scope=system_scope("test"),
        source=SourceRef(purpose=_marketing_purpose()),
    )
    _object(person)
    assert Person.objects.filter(pk=person.pk).exists()


def test_without_the_policy_the_marketing_only_contact_keeps_their_record():
    load(demo_text())
    person = _person("maija@example.fi", purpose=_marketing_purpose())
    _object(person)
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_objection_to_one_channel_only_does_not_minimise():
    load(with_policy(demo_text(), opt_out_minimisation=True))
    person = _person("maija@example.fi", purpose=_marketing_purpose())
    _object(person, channel="phone")
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_objection_and_the_minimisation_are_one_transaction():
    load(with_policy(demo_text(), opt_out_minimisation=True))
    person = _person("maija@example.fi", purpose=_marketing_purpose())
    with (
        mock.patch(
            "rekisteri.rights.erasure.erasure_execute", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        _object(person)
    assert Person.objects.filter(pk=person.pk).exists()
    assert not suppression_match(email="maija@example.fi")
    assert not AuditEvent.objects.filter(reason__contains="minimisation").exists()
