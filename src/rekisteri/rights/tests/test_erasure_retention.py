"""Erasure keeps a person's own fields as long as the retention rule of their category does:
the beneficial-owner flag is kept 5 years after the relationship (the AML acts)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    Organization,
    OrganizationRelationship,
    Person,
)
from rekisteri.retention.periods import Period, add_period
from rekisteri.rights.services import erasure_execute, erasure_plan

TODAY = timezone.localdate()


@pytest.fixture
def dirs(settings, tmp_path):
    settings.PACKAGES_DIR = tmp_path / "packages"
    settings.FILES_DIR = tmp_path / "files"


def _beneficial_owner(make_person, fi_controller, relationship_ended: date):
    person = make_person(email="omistaja@example.fi")
    Person.objects.filter(pk=person.pk).update(is_beneficial_owner=True)
    org = Organization.objects.create(controller=fi_controller, name="Omistettu Oy")
    OrganizationRelationship.objects.create(
        organization=org, kind="customer", start=date(2015, 1, 1), end=relationship_ended
    )
    Affiliation.objects.create(person=person, organization=org, start=date(2015, 1, 1))
    person.refresh_from_db()
    return person


def test_erasure_keeps_beneficial_owner_flag_for_five_years_after_the_relationship(
    make_person, fi_controller, dpo, actor, dirs, django_capture_on_commit_callbacks
):
    ended = TODAY - timedelta(days=365)
    person = _beneficial_owner(make_person, fi_controller, ended)
    plan = erasure_plan(scope=dpo, person=person)
    assert plan.person_kept
    assert "is_beneficial_owner" in plan.person_kept_fields
    kept_person = next(i for i in plan.keep if i.model == "register.Person")
    assert kept_person.until == add_period(ended, Period(years=5)).isoformat()
    assert "Rahanpesulaki 444/2017" in kept_person.law_in("fi")
    assert "penningtvättslagen (rahanpesulaki 444/2017)" in kept_person.law_in("sv")
    with django_capture_on_commit_callbacks(execute=True):
        erasure_execute(scope=dpo, actor=actor, person=person, plan=plan)
    person.refresh_from_db()
    assert person.is_beneficial_owner is True
    assert person.restricted_since is not None
    assert not ContactPoint.objects.filter(person=person).exists()


def test_erasure_deletes_beneficial_owner_once_the_five_years_have_passed(
    make_person, fi_controller, dpo, actor, dirs, django_capture_on_commit_callbacks
):
    ended = add_period(TODAY, Period(years=-6))
    person = _beneficial_owner(make_person, fi_controller, ended)
    plan = erasure_plan(scope=dpo, person=person)
    assert not plan.person_kept
    with django_capture_on_commit_callbacks(execute=True):
        erasure_execute(scope=dpo, actor=actor, person=person, plan=plan)
    assert not Person.objects.filter(pk=person.pk).exists()
