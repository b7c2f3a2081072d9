"""Retention of register data with a fixed clock: contact details and the link to the
organisation go when the person stops being a contact; the person goes two years after the
relationship ended, counted from a day that outlives the deleted links; holds, restriction
and KYC data keep them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rekisteri.audit.models import AuditAction, AuditEvent, AuditKey
from rekisteri.audit.services import Actor, audit_record
from rekisteri.interactions.models import ChatTranscript, Invoice
from rekisteri.register.models import (
    Affiliation,
    ContactKind,
    ContactPoint,
    IdentityCode,
    Organization,
    OrganizationRelationship,
    Person,
)
from rekisteri.retention.periods import Period, add_period, start_of_day
from rekisteri.retention.selectors import retention_end, retention_verify
from rekisteri.retention.tests.sweeping import place_hold, sweep

AS_OF = date(2030, 6, 1)
TWO_YEARS = Period(years=2)


def years_before(day: date, n: int) -> date:
    return add_period(day, Period(years=-n))


@pytest.fixture
def org(fi_controller: Any) -> Organization:
    o = Organization.objects.create(controller=fi_controller, name="Asiakas Oy")
    OrganizationRelationship.objects.create(organization=o, kind="customer", start=date(2020, 1, 1))
    return o


@pytest.fixture
def contact(make_person: Any, org: Organization) -> Any:
    """A person with an email and a phone, linked to `org` until the given end."""

    def make(end: date | None, **data: Any) -> Person:
        person = make_person(phone="+358401234567", **data)
        Affiliation.objects.create(
            person=person, organization=org, start=date(2020, 1, 1), end=end, title="CFO"
        )
        return person

    return make


def kinds(person: Person) -> set[str]:
    return set(ContactPoint.objects.filter(person=person).values_list("kind", flat=True))


def test_contact_whose_affiliation_ended_yesterday_loses_email_phone_and_link(contact):
    former = contact(AS_OF - timedelta(days=1))
    current = contact(None)
    assert kinds(former) == {ContactKind.EMAIL, ContactKind.PHONE}

    result = sweep(as_of=AS_OF)

    assert kinds(former) == set()
    assert not Affiliation.objects.filter(person=former).exists()
    assert kinds(current) == {ContactKind.EMAIL, ContactKind.PHONE}
    assert Affiliation.objects.filter(person=current).count() == 1
    assert result.counts["contact-while-contact"] == {"deleted": 2}
    assert result.counts["link-while-contact"] == {"deleted": 1}
    # The person stays (basic data: 2 years after the relationship), with the days recorded.
    former.refresh_from_db()
    assert former.contact_ended_on == AS_OF - timedelta(days=1)
    assert former.relationship_ended_on == AS_OF - timedelta(days=1)


def test_contact_whose_affiliation_ends_tomorrow_keeps_everything(contact):
    person = contact(AS_OF + timedelta(days=1))
    assert sweep(as_of=AS_OF).counts == {}
    assert kinds(person) == {ContactKind.EMAIL, ContactKind.PHONE}


def test_person_is_deleted_two_years_and_a_day_after_the_relationship_ended_not_a_day_sooner(
    contact, make_person
):
    gone_end = years_before(AS_OF, 2) - timedelta(days=1)
    stays_end = years_before(AS_OF, 2) + timedelta(days=1)
    gone, stays = contact(gone_end), contact(stays_end)
    # The links are deleted when the contact ends; the day they ended outlives them.
    sweep(as_of=stays_end)
    assert not Affiliation.objects.filter(person__in=[gone, stays]).exists()
    invoice = Invoice.objects.create(
        controller=gone.controller,
        person=gone,
        occurred_at=start_of_day(gone_end - timedelta(days=30)),
        number="2028-1",
        billing_year=gone_end.year,
        amount=Decimal("10.00"),
        recipient_name="Maija",
    )
    audit_record(actor=Actor("test"), action=AuditAction.VIEW, person_id=gone.pk, sealed={"x": 1})
    assert AuditKey.objects.filter(person_id=gone.pk).exists()

    result = sweep(as_of=AS_OF)

    assert not Person.objects.filter(pk=gone.pk).exists()
    assert Person.objects.filter(pk=stays.pk).exists()
    assert result.counts["basic-relationship-2-years"] == {"deleted": 1}
    # The invoice the accounting act keeps is detached, not deleted; the key is shredded.
    invoice.refresh_from_db()
    assert invoice.person_id is None and invoice.number == "2028-1"
    assert not AuditKey.objects.filter(person_id=gone.pk).exists()
    event = AuditEvent.objects.filter(action=AuditAction.RETENTION).order_by("-seq").first()
    assert event.detail["counts"]["basic-relationship-2-years"] == {"deleted": 1}
    assert gone.last_name not in str(event.detail)

    assert sweep(as_of=add_period(stays_end, TWO_YEARS)).counts == {
        "basic-relationship-2-years": {"deleted": 1}
    }
    assert not Person.objects.filter(pk=stays.pk).exists()


def test_person_whose_organisation_ended_the_customer_relationship_is_deleted_after_two_years(
    contact, org
):
    ended = years_before(AS_OF, 2) - timedelta(days=1)
    OrganizationRelationship.objects.filter(organization=org).update(end=ended)
    person = contact(None)  # still on the organisation's staff, but no longer our customer
    assert retention_end(category="basic", person_id=person.pk) == add_period(ended, TWO_YEARS)
    sweep(as_of=AS_OF)
    assert not Person.objects.filter(pk=person.pk).exists()


def test_person_under_legal_hold_or_restriction_stays_with_their_contact_details(
    contact, fi_controller, org
):
    ended = years_before(AS_OF, 3)
    held = contact(ended)
    restricted = contact(ended)
    via_org = contact(ended)
    other_org = Organization.objects.create(controller=fi_controller, name="Riita Oy")
    Affiliation.objects.filter(person=via_org).update(organization=other_org)
    place_hold(actor=Actor("dpo"), controller=fi_controller, person=held, reason="claim")
    place_hold(
        actor=Actor("dpo"), controller=fi_controller, organization=other_org, reason="dispute"
    )
    Person.objects.filter(pk=restricted.pk).update(restricted_since=timezone.now())

    result = sweep(as_of=AS_OF)

    assert result.counts == {}
    for person in (held, restricted, via_org):
        assert Person.objects.filter(pk=person.pk).exists()
        assert kinds(person) == {ContactKind.EMAIL, ContactKind.PHONE}
        assert Affiliation.objects.filter(person=person).exists()
    assert retention_verify(as_of=AS_OF) == []


def test_person_with_kyc_data_stays_until_the_five_year_aml_rule_is_due(contact):
    ended = years_before(AS_OF, 3)
    person = contact(ended, identity_code="131052-308T")
    assert IdentityCode.objects.filter(person=person).exists()
    sweep(as_of=AS_OF)
    assert Person.objects.filter(pk=person.pk).exists()
    assert kinds(person) == set()  # contact details went at once
    sweep(as_of=add_period(ended, Period(years=5)))
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not IdentityCode.objects.filter(person_id=person.pk).exists()


def test_consumer_without_links_goes_two_years_after_their_last_dealing(make_person):
    idle = make_person(is_consumer=True)
    active = make_person(is_consumer=True)
    long_ago = start_of_day(years_before(AS_OF, 3))
    Person.objects.filter(pk__in=[idle.pk, active.pk]).update(created_at=long_ago)
    ChatTranscript.objects.create(
        controller=active.controller,
        person=active,
        occurred_at=start_of_day(years_before(AS_OF, 1)),
        transcript="Hei",
    )
    sweep(as_of=AS_OF)
    assert not Person.objects.filter(pk=idle.pk).exists()
    assert Person.objects.filter(pk=active.pk).exists()


def test_verify_fails_naming_overdue_register_records_and_passes_after_the_sweep(contact, capsys):
    person = contact(years_before(AS_OF, 2) - timedelta(days=1))
    former = contact(AS_OF - timedelta(days=1))
    email = ContactPoint.objects.get(person=former, kind=ContactKind.EMAIL)
    with pytest.raises(CommandError) as exc:
        call_command("retention", "verify", "--as-of", AS_OF.isoformat())
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert f"register.Person:{person.pk}" in out
    assert f"register.ContactPoint:{email.pk}" in out
    assert "basic-relationship-2-years" in out and "link-while-contact" in out

    call_command("retention", "plan", "--as-of", AS_OF.isoformat(), "--json")
    assert '"basic-relationship-2-years"' in capsys.readouterr().out

    sweep(as_of=AS_OF)
    call_command("retention", "verify", "--as-of", AS_OF.isoformat())
    assert "OK" in capsys.readouterr().out


def test_generated_packages_go_with_the_person_the_sweep_deletes(
    contact, settings, tmp_path, django_capture_on_commit_callbacks
):
    from rekisteri.access.capabilities import Cap
    from rekisteri.audit.work import system_scope
    from rekisteri.rights.models import Package
    from rekisteri.rights.packages import access_package_create, package_path

    settings.PACKAGES_DIR = tmp_path / "packages"
    dpo = system_scope("test packages", capabilities=[Cap.HANDLE_RIGHTS_REQUESTS])
    ended = years_before(AS_OF, 2) - timedelta(days=1)
    gone, stays = contact(ended), contact(None)
    theirs = access_package_create(scope=dpo, actor=Actor("dpo"), person_ids=[gone.pk], lang="fi")
    kept = access_package_create(scope=dpo, actor=Actor("dpo"), person_ids=[stays.pk], lang="fi")
    Package.objects.filter(pk__in=[theirs.pk, kept.pk]).update(
        expires_at=start_of_day(AS_OF + timedelta(days=30))
    )
    assert package_path(theirs).exists()

    with django_capture_on_commit_callbacks(execute=True):
        sweep(as_of=AS_OF)

    assert not Person.objects.filter(pk=gone.pk).exists()
    assert not Package.objects.filter(pk=theirs.pk).exists()
    assert not package_path(theirs).exists()  # the ZIP with their data is gone too
    assert package_path(kept).exists()
