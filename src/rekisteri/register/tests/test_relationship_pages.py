"""Starting and ending relationships and a person's link to an organisation from the staff
pages: the dates are what the retention rules count from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.audit.models import AuditEvent
from rekisteri.register.models import (
    Affiliation,
    ContactPoint,
    Organization,
    OrganizationRelationship,
    Person,
    Provenance,
    record_key,
)
from rekisteri.retention.periods import Period, add_period
from rekisteri.retention.selectors import retention_end
from rekisteri.retention.tests.sweeping import sweep as retention_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(staff: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["sales"])
    return client


@pytest.fixture
def org(fi_controller: Any) -> Organization:
    return Organization.objects.create(controller=fi_controller, name="Asiakas Oy")


def test_start_and_end_a_customer_relationship_from_the_organisation_page(
    sales: Client, org: Organization
) -> None:
    page_url = reverse("register:organization_detail", args=[org.pk])
    started = sales.post(
        reverse("register:organization_relationship_add", args=[org.pk]),
        {"kind": "customer", "start": "2024-03-01"},
        follow=True,
    )
    assert "The relationship was started." in started.content.decode()
    assert "End the customer relationship" in started.content.decode()
    rel = OrganizationRelationship.objects.get(organization=org)
    assert (rel.kind, rel.start, rel.end) == ("customer", date(2024, 3, 1), None)

    ended = sales.post(
        reverse("register:organization_relationship_end", args=[org.pk]),
        {"item": rel.pk, "end": "2025-12-31"},
        follow=True,
    )
    page = ended.content.decode()
    assert ended.redirect_chain[-1][0] == page_url
    assert "The relationship was ended." in page
    assert "End the customer relationship" not in page  # no longer ongoing
    rel.refresh_from_db()
    assert rel.end == date(2025, 12, 31)
    reasons = list(
        AuditEvent.objects.filter(record=record_key(org)).values_list("reason", flat=True)
    )
    assert "relationship started: customer" in reasons
    assert "relationship ended: customer" in reasons


def test_an_end_before_the_start_is_refused_with_the_field_named(
    sales: Client, org: Organization
) -> None:
    rel = OrganizationRelationship.objects.create(
        organization=org, kind="customer", start=date(2024, 3, 1)
    )
    response = sales.post(
        reverse("register:organization_relationship_end", args=[org.pk]),
        {"item": rel.pk, "end": "2024-02-01"},
        follow=True,
    )
    assert "End: the end is before the start" in response.content.decode()
    rel.refresh_from_db()
    assert rel.end is None


def test_an_ongoing_relationship_cannot_be_started_twice(sales: Client, org: Organization) -> None:
    OrganizationRelationship.objects.create(organization=org, kind="supplier", start=date.today())
    response = sales.post(
        reverse("register:organization_relationship_add", args=[org.pk]),
        {"kind": "supplier"},
        follow=True,
    )
    assert "this relationship is already ongoing" in response.content.decode()
    assert OrganizationRelationship.objects.filter(organization=org).count() == 1


def test_pages_are_in_finnish(staff: dict[str, Any], org: Organization) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="fi")
    client.force_login(staff["sales"])
    page = client.get(reverse("register:organization_detail", args=[org.pk])).content.decode()
    assert "Aloita asiakkuus tai muu suhde" in page


def test_a_relationship_of_another_group_company_cannot_be_ended(
    sales: Client, org: Organization, se_controller: Any
) -> None:
    other = Organization.objects.create(controller=se_controller, name="Kund AB")
    rel = OrganizationRelationship.objects.create(organization=other, kind="customer")
    # Organisations are not shared within the group: the other company's does not exist here.
    refused = sales.post(
        reverse("register:organization_relationship_end", args=[other.pk]),
        {"item": rel.pk, "end": "2025-01-01"},
    )
    assert refused.status_code == 404
    # Through our own organisation's URL the other's row is not found at all.
    response = sales.post(
        reverse("register:organization_relationship_end", args=[org.pk]),
        {"item": rel.pk, "end": "2025-01-01"},
    )
    assert response.status_code == 404
    rel.refresh_from_db()
    assert rel.end is None


def test_ended_relationship_starts_the_two_year_clock_of_its_contacts(
    sales: Client, org: Organization, make_person: Any
) -> None:
    rel = OrganizationRelationship.objects.create(
        organization=org, kind="customer", start=date(2020, 1, 1)
    )
    person = make_person()
    Affiliation.objects.create(person=person, organization=org, start=date(2020, 1, 1))
    assert retention_end(category="basic", person_id=person.pk) is None  # while ongoing

    sales.post(
        reverse("register:organization_relationship_end", args=[org.pk]),
        {"item": rel.pk, "end": "2025-06-30"},
    )
    end = add_period(date(2025, 6, 30), Period(years=2))
    assert retention_end(category="basic", person_id=person.pk) == end
    retention_sweep(as_of=end - timedelta(days=1))
    assert Person.objects.filter(pk=person.pk).exists()
    retention_sweep(as_of=end)
    assert not Person.objects.filter(pk=person.pk).exists()


def test_person_who_left_the_organisation_loses_the_contact_details_of_that_role(
    sales: Client, org: Organization, make_person: Any
) -> None:
    OrganizationRelationship.objects.create(organization=org, kind="customer", start=date.today())
    person = make_person(phone="+358401234567")
    link = Affiliation.objects.create(person=person, organization=org, start=date(2020, 1, 1))
    detail = reverse("register:person_detail", args=[person.pk])
    assert "Left the organisation" in sales.get(detail).content.decode()

    response = sales.post(
        reverse("register:person_affiliation_end", args=[person.pk]),
        {"item": link.pk, "end": "2026-01-31", "source_kind": "third_party"},
        follow=True,
    )
    assert "The link to the organisation was ended." in response.content.decode()
    link.refresh_from_db()
    assert link.end == date(2026, 1, 31)
    prov = Provenance.objects.filter(record=record_key(link)).order_by("-pk").first()
    assert prov is not None and prov.fields == ["end"] and prov.source_kind == "third_party"
    assert AuditEvent.objects.filter(record=record_key(link), person_id=person.pk).exists()

    retention_sweep(as_of=date(2026, 2, 1))
    assert not ContactPoint.objects.filter(person=person).exists()
    assert Person.objects.filter(pk=person.pk).exists()  # the person stays for now
