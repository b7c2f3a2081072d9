"""Restriction (Art. 18): only storage and the DPO's own work."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from rekisteri.access.policy import (
    Operation,
    ProcessingRefused,
    check_processing,
    exclude_restricted,
)
from rekisteri.access.selectors import scope_for
from rekisteri.audit.services import Actor
from rekisteri.register.models import ContactPoint, Person
from rekisteri.register.services import person_update

pytestmark = pytest.mark.django_db


def restrict(person: Person) -> Person:
    Person.objects.filter(pk=person.pk).update(restricted_since=timezone.now())
    person.refresh_from_db()
    return person


@pytest.mark.parametrize(
    "operation",
    [Operation.EDIT, Operation.EXPORT, Operation.MARKETING, Operation.DISCLOSE, Operation.DELETE],
)
def test_restricted_person_refuses_staff_processing_and_says_why(staff, make_person, operation):
    person = restrict(make_person())
    with translation.override("en"), pytest.raises(ProcessingRefused) as refused:
        check_processing(scope_for(staff["sales"]), person, operation)
    assert refused.value.code == "restricted"
    assert "Art. 18" in refused.value.reason


def test_restricted_person_may_be_stored_and_looked_at(staff, make_person):
    person = restrict(make_person())
    check_processing(scope_for(staff["sales"]), person, Operation.STORE)
    check_processing(scope_for(staff["sales"]), person, Operation.VIEW)


def test_the_dpo_does_their_own_work_on_a_restricted_person_but_no_marketing(staff, make_person):
    person = restrict(make_person())
    dpo = scope_for(staff["dpo"])
    for operation in (Operation.VIEW, Operation.EXPORT, Operation.EDIT, Operation.DELETE):
        check_processing(dpo, person, operation)
    with pytest.raises(ProcessingRefused):
        check_processing(dpo, person, Operation.MARKETING)


def test_sales_cannot_edit_a_restricted_person(staff, make_person):
    person = restrict(make_person())
    with pytest.raises(ProcessingRefused) as refused:
        person_update(
            actor=Actor("sales"),
            person=person,
            data={"title": "CEO"},
            scope=scope_for(staff["sales"]),
        )
    assert refused.value.code == "restricted"
    person.refresh_from_db()
    assert person.title == ""


def test_bulk_processing_leaves_restricted_persons_out_and_counts_them(make_person):
    kept, restricted = make_person(), restrict(make_person())
    make_person()
    persons = exclude_restricted(Person.objects.all())
    assert persons.excluded == 1
    assert restricted not in persons.queryset and kept in persons.queryset
    emails = exclude_restricted(ContactPoint.objects.filter(kind="email"))
    assert emails.excluded == 1
    assert emails.queryset.count() == 2


def test_a_refusal_reaching_a_view_is_a_403_page_with_the_reason(staff, make_person):
    person = restrict(make_person(identity_code="131052-308T"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["compliance"])
    response = client.post(
        reverse("access:identity_code_reveal", args=[person.pk]),
        {"reason": "customer due diligence for a new contract"},
    )
    assert response.status_code == 403
    assert "restricted (GDPR Art. 18)" in response.content.decode()
