"""Identity codes in full: only compliance and the DPO, only with a reason, always audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.selectors import audit_unseal

pytestmark = pytest.mark.django_db

HETU = "131052-308T"
REASON = "checking identity for a KYC review of a new customer"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def url(person) -> str:  # type: ignore[no-untyped-def]
    return reverse("access:identity_code_reveal", args=[person.pk])


@pytest.mark.parametrize("role", ["compliance", "dpo"])
def test_revealer_sees_the_code_after_giving_a_reason_and_the_look_is_audited(
    staff, make_person, role
):
    person = make_person(identity_code=HETU)
    client = client_for(staff[role])
    form = client.get(url(person))
    assert form.status_code == 200
    assert HETU not in form.content.decode()
    response = client.post(url(person), {"reason": REASON})
    assert response.status_code == 200
    assert HETU in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditAction.REVEAL, person_id=person.pk)
    assert event.actor == role
    assert event.categories == ["identity_code"]
    assert event.purpose == "kyc_aml"
    row = str(AuditEvent.objects.filter(pk=event.pk).values().get())
    assert HETU not in row and "KYC review" not in row  # nothing in clear
    assert audit_unseal(event) == {"reason": REASON}


def test_reveal_without_a_reason_shows_nothing_and_records_nothing(staff, make_person):
    person = make_person(identity_code=HETU)
    response = client_for(staff["compliance"]).post(url(person), {"reason": "  "})
    assert response.status_code == 400
    assert HETU not in response.content.decode()
    assert 'id="id_reason_error"' in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize("role", ["sales", "customer_service", "marketing", "finance", "admin"])
def test_other_roles_are_refused(staff, make_person, role):
    person = make_person(identity_code=HETU)
    response = client_for(staff[role]).post(url(person), {"reason": REASON})
    assert response.status_code == 403
    assert HETU not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_another_group_companys_staff_get_404(make_person, se_controller):
    from rekisteri.testing.fixtures import make_staff

    person = make_person(identity_code=HETU)
    se_compliance = make_staff("se-compliance", ["compliance"], [se_controller])
    response = client_for(se_compliance).post(url(person), {"reason": REASON})
    assert response.status_code == 404


def test_reveal_needs_the_csrf_token(staff, make_person):
    person = make_person(identity_code=HETU)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["compliance"])
    assert client.post(url(person), {"reason": REASON}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_link_tag_shows_only_for_revealers(staff, make_person, rf):
    from django.template import Context, Template

    person = make_person(identity_code=HETU)
    template = Template("{% load access %}{% reveal_link person %}")
    for role, shown in (("compliance", True), ("sales", False)):
        request = rf.get("/")
        request.user = staff[role]
        html = template.render(Context({"request": request, "person": person}))
        assert (url(person) in html) is shown
