"""Roles grant purposes, purposes cover categories, categories cover fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rekisteri.access.selectors import field_access, scope_for
from rekisteri.register.models import Person

pytestmark = pytest.mark.django_db

HETU = "131052-308T"


def access_of(user: Any, person: Any) -> Any:
    return field_access(scope=scope_for(user), person=person)


def test_marketing_reads_no_identity_code_kyc_or_ticket_contents(staff, make_person):
    person = make_person(identity_code=HETU)
    access = access_of(staff["marketing"], person)
    assert {"identity_code", "kyc", "service_requests"}.isdisjoint(access.categories)
    assert access.readable("register.IdentityCode") == frozenset()
    assert "is_beneficial_owner" not in access.readable(Person)
    assert {"first_name", "last_name"} <= access.readable(Person)
    assert access.can_read("register.ContactPoint", "value")


def test_customer_service_reads_no_kyc_data(staff, make_person):
    access = access_of(staff["customer_service"], make_person())
    assert "kyc" not in access.categories
    assert not access.can_read(Person, "is_beneficial_owner")
    assert "service_requests" in access.categories  # tickets are their work


def test_only_compliance_and_the_dpo_read_identity_codes(staff, make_person):
    person = make_person(identity_code=HETU)
    readers = {
        role
        for role, user in staff.items()
        if access_of(user, person).readable("register.IdentityCode")
    }
    assert readers == {"compliance", "dpo"}


def test_identity_codes_read_masked_and_only_revealers_may_unmask(staff, make_person):
    person = make_person(identity_code=HETU)
    access = access_of(staff["compliance"], person)
    assert "identity_code" in access.masked_categories
    assert scope_for(staff["compliance"]).can_reveal
    assert not scope_for(staff["sales"]).can_reveal


def test_derived_fields_are_readable_but_never_writable(staff, make_person):
    access = access_of(staff["sales"], make_person())
    assert access.can_read(Person, "search_name")
    assert not access.can_write(Person, "search_name")
    assert access.can_write(Person, "last_name")


def test_restricted_person_is_read_only_except_for_the_dpo(staff, make_person):
    person = make_person()
    Person.objects.filter(pk=person.pk).update(restricted_since=timezone.now())
    person.refresh_from_db()
    sales = access_of(staff["sales"], person)
    assert sales.can_read(Person, "last_name")
    assert sales.writable(Person) == frozenset()
    assert sales.refusal == "restricted"
    assert access_of(staff["dpo"], person).can_write(Person, "last_name")


def test_by_model_lists_every_personal_data_model(staff, make_person):
    fields = access_of(staff["sales"], make_person()).by_model()
    assert "register.Person" in fields
    assert "last_name" in fields["register.Person"]["write"]
    assert fields["register.IdentityCode"]["read"] == frozenset()


def test_unknown_person_of_another_company_has_no_fields(outsider, make_person):
    access = access_of(outsider, make_person())
    assert access.categories == frozenset()
    assert access.readable(Person) == frozenset()


def test_person_page_shows_the_masked_code_to_compliance_and_nothing_to_marketing(
    staff, make_person
):
    from django.test import Client
    from django.urls import reverse

    from rekisteri.register.models import IdentityCode

    person = make_person(identity_code=HETU)
    masked = IdentityCode.objects.get(person=person).masked
    url = reverse("register:person_detail", args=[person.pk])
    pages = {}
    for role in ("marketing", "customer_service", "compliance"):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(staff[role])
        pages[role] = client.get(url).content.decode()
    assert person.last_name in pages["marketing"]
    assert masked not in pages["marketing"] and masked not in pages["customer_service"]
    assert masked in pages["compliance"]
    assert HETU not in pages["compliance"]  # in full only through the audited reveal
    assert reverse("access:identity_code_reveal", args=[person.pk]) in pages["compliance"]
