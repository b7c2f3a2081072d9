"""Customer due diligence of a consumer customer (the person is the customer): the page and
the API record, correct and remove it, audited; it is the person's own KYC data, in their
access package; other roles and other companies are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.kyc.models import PersonDueDiligence

CDD = {
    "risk_level": "high",
    "checks": ["identity document", "source of funds"],
    "checked_on": "2026-01-15",
    "next_review": "2026-07-15",
}


def test_the_page_records_and_removes_a_consumers_due_diligence(client, staff, make_person):
    person = make_person(first_name="Kaisa", last_name="Kuluttaja")
    client.force_login(staff["compliance"])
    detail = client.get(reverse("register:person_detail", args=[person.pk])).content.decode()
    url = reverse("kyc:person", args=[person.pk])
    assert url in detail
    bad = client.post(
        url,
        {
            "form": "due_diligence",
            "due_diligence-risk_level": "high",
            "due_diligence-checks": "identity document",
            "due_diligence-checked_on": "2026-01-15",
            "due_diligence-next_review": "2025-01-15",
        },
    )
    assert "seuraava tarkistus on ennen tarkistusta" in bad.content.decode()
    assert not PersonDueDiligence.objects.exists()
    done = client.post(
        url,
        {
            "form": "due_diligence",
            "due_diligence-risk_level": "high",
            "due_diligence-checks": "identity document\nsource of funds",
            "due_diligence-checked_on": "2026-01-15",
            "due_diligence-next_review": "2026-07-15",
        },
        follow=True,
    )
    page = done.content.decode()
    assert "identity document, source of funds" in page
    cdd = PersonDueDiligence.objects.get(person=person)
    assert cdd.risk_level == "high" and cdd.decided_by == "compliance"
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, person_id=person.pk).last()
    assert event.record == f"kyc.PersonDueDiligence:{cdd.pk}" and event.purpose == "kyc_aml"

    ask = client.get(url, {"remove": cdd.pk}).content.decode()
    assert "Poistetaanko?" in ask and PersonDueDiligence.objects.exists()
    client.post(url, {"remove": cdd.pk})
    assert not PersonDueDiligence.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, person_id=person.pk).exists()


def test_sales_and_another_company_are_refused(client, staff, make_person, se_controller):
    person = make_person()
    client.force_login(staff["sales"])
    assert client.get(reverse("kyc:person", args=[person.pk])).status_code == 403
    other = make_person(controller=se_controller)
    client.force_login(staff["compliance"])
    assert client.get(reverse("kyc:person", args=[other.pk])).status_code == 404


def test_the_api_records_corrects_and_removes(staff, make_person):
    person = make_person()
    api = ApiClient(staff["compliance"])
    made = api.post(f"/kyc/persons/{person.pk}/due-diligence", CDD)
    assert made.status_code == 201, made.content
    record = made.json()["id"]
    bad = api.post(f"/kyc/persons/{person.pk}/due-diligence", {**CDD, "risk_level": "extreme"})
    assert bad.status_code == 422 and "risk_level" in bad.content.decode()
    fixed = api.client.put(
        f"/api/v1/kyc/persons/{person.pk}/due-diligence/{record}",
        {**CDD, "risk_level": "normal"},
        content_type="application/json",
        headers=api._headers(),
    )
    assert fixed.status_code == 200 and fixed.json()["risk_level"] == "normal"
    body = api.get(f"/kyc/persons/{person.pk}").json()
    assert [c["risk_level"] for c in body["due_diligence"]] == ["normal"]
    gone = api.client.delete(
        f"/api/v1/kyc/persons/{person.pk}/due-diligence/{record}", headers=api._headers()
    )
    assert gone.status_code == 204 and not PersonDueDiligence.objects.exists()


def test_it_is_in_the_persons_access_package(staff, actor, make_person):
    from rekisteri.access.selectors import scope_for
    from rekisteri.kyc.services import person_due_diligence_record
    from rekisteri.rights.packages import explained_items

    person = make_person()
    person_due_diligence_record(
        scope=scope_for(staff["compliance"]), actor=actor, person_id=person.pk, data=CDD
    )
    items = [
        i
        for i in explained_items(person_ids=[person.pk], lang="en")
        if i["model"] == "kyc.PersonDueDiligence"
    ]
    assert {i["field"] for i in items} >= {"risk_level", "checks", "checked_on", "next_review"}
    assert all("anti-money-laundering" in i["retention_rule"] for i in items)


pytestmark = pytest.mark.django_db
