"""Group companies: own records, and another company's only when shared under a purpose."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.models import GroupShare
from rekisteri.access.policy import Operation, ProcessingRefused, check_processing
from rekisteri.access.selectors import field_access, scope_for, system_scope
from rekisteri.access.services import group_share_create, group_share_revoke
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.register import selectors
from rekisteri.register.models import Person, record_key
from rekisteri.register.services import person_update

pytestmark = pytest.mark.django_db

HETU = "131052-308T"


def test_unshared_person_of_another_group_company_is_404_on_every_page(outsider, make_person):
    person = make_person()
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("register:person_detail", args=[person.pk])).status_code == 404
    assert selectors.person_list(scope=scope_for(outsider), q=person.last_name).count() == 0
    assert not AuditEvent.objects.filter(actor="outsider").exists()


def test_shared_person_shows_only_the_shared_purposes_categories_read_only(
    outsider, make_person, se_controller
):
    person = make_person(identity_code=HETU)
    group_share_create(
        actor=Actor("test"),
        person=person,
        controller=se_controller,
        purpose="customer_management",
        scope=system_scope("test"),
    )
    scope = scope_for(outsider)
    detail = selectors.person_detail(scope=scope, actor=Actor("outsider"), person_id=person.pk)
    assert detail.value("last_name") == person.last_name
    assert detail.identity_codes == []
    access = field_access(scope=scope, person=person)
    assert "identity_code" not in access.categories
    assert access.writable(Person) == frozenset()
    with pytest.raises(ProcessingRefused) as refused:
        person_update(actor=Actor("outsider"), person=person, data={"title": "CEO"}, scope=scope)
    assert refused.value.code == "controller"


def test_sharing_is_a_recorded_disclosure_and_can_end(outsider, make_person, se_controller, staff):
    person = make_person()
    share = group_share_create(
        actor=Actor("sales"),
        person=person,
        controller=se_controller,
        purpose="customer_management",
        scope=scope_for(staff["sales"]),
    )
    event = AuditEvent.objects.get(action=AuditAction.DISCLOSURE, person_id=person.pk)
    assert event.purpose == "customer_management"
    assert event.detail["controller"] == se_controller.code
    group_share_revoke(actor=Actor("sales"), share=share, scope=scope_for(staff["sales"]))
    assert not GroupShare.objects.exists()
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("register:person_detail", args=[person.pk])).status_code == 404


def test_only_purposes_shared_within_the_group_can_share(make_person, se_controller):
    person = make_person()
    with pytest.raises(ProcessingRefused) as refused:
        group_share_create(
            actor=Actor("test"),
            person=person,
            controller=se_controller,
            purpose="kyc_aml",
            scope=system_scope("test"),
        )
    assert refused.value.code == "purpose"


def test_a_share_under_a_purpose_the_user_lacks_shows_nothing(make_person, se_controller):
    from rekisteri.testing.fixtures import make_staff

    person = make_person()
    group_share_create(
        actor=Actor("test"),
        person=person,
        controller=se_controller,
        purpose="finance",
        scope=system_scope("test"),
    )
    se_marketing = make_staff("se-marketing", ["marketing"], [se_controller])
    se_finance = make_staff("se-finance", ["finance"], [se_controller])
    with pytest.raises(Exception):  # noqa: B017 - Http404
        selectors.person_get(scope=scope_for(se_marketing), person_id=person.pk)
    assert selectors.person_get(scope=scope_for(se_finance), person_id=person.pk) == person


def test_restricted_person_is_not_shared(make_person, se_controller):
    person = make_person()
    Person.objects.filter(pk=person.pk).update(restricted_since=timezone.now())
    with pytest.raises(ProcessingRefused) as refused:
        group_share_create(
            actor=Actor("test"),
            person=person,
            controller=se_controller,
            purpose="finance",
            scope=system_scope("test"),
        )
    assert refused.value.code == "restricted"


def test_check_processing_refuses_the_other_company_for_writes(
    outsider, make_person, se_controller
):
    person = make_person()
    group_share_create(
        actor=Actor("test"),
        person=person,
        controller=se_controller,
        purpose="customer_management",
        scope=system_scope("test"),
    )
    scope = scope_for(outsider)
    check_processing(scope, person, Operation.VIEW, categories={"basic"})
    with pytest.raises(ProcessingRefused):
        check_processing(scope, person, Operation.EDIT)
    with pytest.raises(ProcessingRefused):
        check_processing(scope, person, Operation.VIEW, categories={"identity_code"})


def _client(user):  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, verified=True)
    return client


def test_staff_share_a_person_from_the_sharing_page_and_end_it(
    staff, outsider, make_person, se_controller
):
    person = make_person(last_name="Jaettava")
    sales = _client(staff["sales"])
    url = reverse("access:person_sharing", args=[person.pk])
    detail = sales.get(reverse("register:person_detail", args=[person.pk])).content.decode()
    assert url in detail  # linked from the person's page
    assert "The record is not shared" in sales.get(url).content.decode()
    # The other company's staff cannot find the person yet.
    assert _client(outsider).get(url).status_code == 404

    page = sales.post(
        url,
        {"action": "create", "controller": se_controller.pk, "purpose": "customer_management"},
        follow=True,
    ).content.decode()
    assert "The record was shared." in page and se_controller.name in page
    share = GroupShare.objects.get(person=person)
    assert AuditEvent.objects.filter(
        action=AuditAction.DISCLOSURE, record=record_key(share)
    ).exists()
    # Now they see it, read-only: the page shows the share but offers no form.
    theirs = _client(outsider).get(url)
    assert theirs.status_code == 200
    assert "End sharing" not in theirs.content.decode()
    assert _client(outsider).post(url, {"action": "revoke", "share": share.pk}).status_code == 403

    sales.post(url, {"action": "revoke", "share": share.pk})
    assert not GroupShare.objects.filter(person=person).exists()
    assert _client(outsider).get(url).status_code == 404


def test_sharing_under_a_purpose_not_shared_within_the_group_is_refused_on_the_page(
    staff, make_person, se_controller
):
    person = make_person()
    response = _client(staff["dpo"]).post(
        reverse("access:person_sharing", args=[person.pk]),
        {"action": "create", "controller": se_controller.pk, "purpose": "kyc_aml"},
    )
    assert response.status_code == 403
    assert "does not share data within the group" in response.content.decode()
    assert not GroupShare.objects.filter(person=person).exists()
