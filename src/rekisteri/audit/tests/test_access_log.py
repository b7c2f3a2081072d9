"""The DPO sees who accessed a person's data, when, and why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import scope_for
from rekisteri.api.auth import token_create
from rekisteri.audit.models import AuditAction
from rekisteri.audit.selectors import audit_access_log
from rekisteri.audit.services import Actor, audit_record
from rekisteri.register.selectors import person_detail
from rekisteri.register.services import person_update

pytestmark = pytest.mark.django_db


def looked_at_and_changed(staff, person) -> None:  # type: ignore[no-untyped-def]
    person_detail(
        scope=scope_for(staff["sales"]),
        actor=Actor("sales", ip="192.0.2.1"),
        person_id=person.pk,
        from_search=True,
    )
    person_update(
        actor=Actor("sales"),
        person=person,
        data={"title": "CFO"},
        scope=scope_for(staff["sales"]),
    )
    audit_record(
        actor=Actor("import"),
        action=AuditAction.IMPORT,
        person_ids=[person.pk, person.pk + 1000],
        reason="import of 2 persons from persons.csv",
    )


def test_access_log_lists_each_look_and_change_in_order(staff, make_person):
    person = make_person()
    looked_at_and_changed(staff, person)
    log = audit_access_log(scope=scope_for(staff["dpo"]), person_id=person.pk)
    assert [(e.actor, e.action) for e in log] == [
        ("test", "create"),
        ("sales", "open_from_search"),
        ("sales", "update"),
        ("import", "import"),
    ]
    opened = log[1]
    assert opened.ip == "192.0.2.1" and opened.purpose and "basic" in opened.categories
    assert log[-1].batch


@pytest.mark.parametrize("role", ["sales", "compliance", "admin"])
def test_only_the_dpo_reads_the_access_log(staff, make_person, role):
    with pytest.raises(ProcessingRefused):
        audit_access_log(scope=scope_for(staff[role]), person_id=make_person().pk)


def test_dpo_page_shows_who_and_when_and_others_get_403(staff, make_person):
    person = make_person()
    looked_at_and_changed(staff, person)
    url = reverse("audit:person_log", args=[person.pk])
    dpo = Client(HTTP_ACCEPT_LANGUAGE="en")
    dpo.force_login(staff["dpo"])
    page = dpo.get(url).content.decode()
    assert "open from search results" in page and "sales" in page and "192.0.2.1" in page
    sales = Client()
    sales.force_login(staff["sales"])
    assert sales.get(url).status_code == 403


def test_access_log_in_the_api_for_the_dpo(staff, make_person):
    person = make_person()
    looked_at_and_changed(staff, person)
    path = f"/api/v1/audit/persons/{person.pk}/access-log"
    dpo = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=staff['dpo'])}")
    body = dpo.get(path).json()
    assert [e["action"] for e in body] == ["create", "open_from_search", "update", "import"]
    sales = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=staff['sales'])}")
    assert sales.get(path).status_code == 403
    assert Client().get(path).status_code == 401


def test_chain_check_page_for_dpo_and_admin(staff):
    for role, status in (("dpo", 200), ("admin", 200), ("sales", 403)):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(staff[role])
        response = client.get(reverse("audit:verify"))
        assert response.status_code == status
        if status == 200:
            assert "The chain is intact" in response.content.decode()


def test_an_erased_persons_log_stays_their_own_companys(
    staff, make_person, se_controller, fi_controller
):
    """Erased, a person's events remain under a bare id: the Finnish company's DPO still
    reads them, the Swedish company's DPO does not (as while the person was in the
    register), nor does anyone for a bare id whose company is not known."""
    from django.http import Http404

    from rekisteri.audit.models import ErasedSubject
    from rekisteri.rights.erasure import erasure_execute
    from rekisteri.testing.fixtures import make_staff

    person = make_person()
    pid = person.pk
    looked_at_and_changed(staff, person)
    erasure_execute(scope=scope_for(staff["dpo"]), actor=Actor("dpo"), person=person)
    swedish_dpo = make_staff("dpo-se", ["dpo"], [se_controller])
    assert [e.action for e in audit_access_log(scope=scope_for(staff["dpo"]), person_id=pid)][
        -1
    ] == "erasure"
    with pytest.raises(Http404):
        audit_access_log(scope=scope_for(swedish_dpo), person_id=pid)
    page = Client()
    page.force_login(swedish_dpo)
    assert page.get(reverse("audit:person_log", args=[pid])).status_code == 404
    # Erased before the company was kept: only a DPO of every group company reads it.
    ErasedSubject.objects.filter(person_id=pid).delete()
    with pytest.raises(Http404):
        audit_access_log(scope=scope_for(staff["dpo"]), person_id=pid)
    group_dpo = make_staff("dpo-group", ["dpo"], [fi_controller, se_controller])
    assert audit_access_log(scope=scope_for(group_dpo), person_id=pid)


def test_the_dpo_page_names_the_fields_in_words(staff, make_person):
    """A change names its fields by their labels, not by the model's field names."""
    person = make_person()
    person_update(
        actor=Actor("sales"),
        person=person,
        data={"first_name": "Aina", "title": "CFO"},
        scope=scope_for(staff["sales"]),
    )
    dpo = Client(HTTP_ACCEPT_LANGUAGE="fi")
    dpo.force_login(staff["dpo"])
    page = dpo.get(reverse("audit:person_log", args=[person.pk])).content.decode()
    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    assert "first_name" not in table and "Etunimi".lower() in table.lower()
