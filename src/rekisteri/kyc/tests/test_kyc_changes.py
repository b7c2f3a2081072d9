"""Correcting and removing KYC records on the page (with a confirmation) and in the API:
each change is audited, a record of another organisation reads as missing, bad input names
the field and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rekisteri.access.selectors import scope_for
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.kyc.models import BeneficialOwner, DueDiligence, PepStatus, RepresentationRight
from rekisteri.kyc.services import (
    beneficial_owner_record,
    due_diligence_record,
    pep_record,
    representation_record,
)
from rekisteri.register.models import Organization

SOURCE = {"source": "owner_register", "source_date": "2026-01-15"}
PEP = {
    "relation": "self",
    "position": "mayor",
    "country": "FI",
    "next_review": "2027-01-01",
    "source": "public_source",
    "source_date": "2026-01-10",
}
CDD = {
    "risk_level": "normal",
    "checks": ["identity"],
    "checked_on": "2026-01-15",
    "next_review": "2027-01-15",
}


@pytest.fixture
def kyc(staff, actor, fi_controller, make_person):
    scope = scope_for(staff["compliance"])
    org = Organization.objects.create(controller=fi_controller, name="Korjattava Oy")
    person = make_person(first_name="Olli", last_name="Omistaja")
    owner = beneficial_owner_record(
        scope=scope,
        actor=actor,
        organization_id=org.pk,
        person_id=person.pk,
        data={"control": "ownership", "share_percent": "60", **SOURCE},
    )
    right = representation_record(
        scope=scope,
        actor=actor,
        organization_id=org.pk,
        person_id=person.pk,
        data={"kind": "signing_right", "evidence": "extract", **SOURCE},
    )
    pep = pep_record(scope=scope, actor=actor, person_id=person.pk, data=PEP)
    cdd = due_diligence_record(scope=scope, actor=actor, organization_id=org.pk, data=CDD)
    return {"org": org, "person": person, "owner": owner, "right": right, "pep": pep, "cdd": cdd}


def test_remove_asks_first_then_removes_and_audits(client, staff, kyc):
    client.force_login(staff["compliance"])
    org, right = kyc["org"], kyc["right"]
    page = client.get(reverse("kyc:organisation", args=[org.pk])).content.decode()
    url = reverse("kyc:record_remove", args=[org.pk, "representation", right.pk])
    assert url in page
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Poistetaanko" in confirm.content.decode()  # the question, in Finnish
    assert RepresentationRight.objects.filter(pk=right.pk).exists()  # asking removes nothing
    done = client.post(url, follow=True)
    assert "Edustamisoikeus on poistettu." in done.content.decode()
    assert not RepresentationRight.objects.filter(pk=right.pk).exists()
    event = AuditEvent.objects.filter(action=AuditAction.DELETE).last()
    assert event.record == f"kyc.RepresentationRight:{right.pk}"
    assert event.person_id == kyc["person"].pk


def test_the_page_corrects_a_pep_status_and_a_bad_date_changes_nothing(client, staff, kyc):
    client.force_login(staff["compliance"])
    org, pep = kyc["org"], kyc["pep"]
    url = reverse("kyc:record_edit", args=[org.pk, "pep", pep.pk])
    form = client.get(url).content.decode()
    assert 'value="mayor"' in form
    data = {f"pep-{k}": v for k, v in PEP.items()}
    bad = client.post(url, {**data, "pep-since": "2026-01-01", "pep-until": "2025-01-01"})
    assert bad.status_code == 200 and "päättyy ennen kuin" in bad.content.decode()
    assert PepStatus.objects.get(pk=pep.pk).until is None
    done = client.post(url, {**data, "pep-position": "minister"}, follow=True)
    assert "PEP-asema on korjattu." in done.content.decode()
    assert PepStatus.objects.get(pk=pep.pk).position == "minister"
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).last()
    assert event.record == f"kyc.PepStatus:{pep.pk}"


def test_the_page_corrects_due_diligence(client, staff, kyc):
    client.force_login(staff["compliance"])
    org, cdd = kyc["org"], kyc["cdd"]
    url = reverse("kyc:record_edit", args=[org.pk, "due_diligence", cdd.pk])
    data = {
        "due_diligence-risk_level": "high",
        "due_diligence-checks": "identity\nbeneficial owners",
        "due_diligence-checked_on": "2026-01-15",
        "due_diligence-next_review": "2026-07-15",
    }
    client.post(url, data)
    cdd.refresh_from_db()
    assert cdd.risk_level == "high" and cdd.checks == ["identity", "beneficial owners"]


def test_another_organisations_record_reads_as_missing(client, staff, kyc, fi_controller):
    client.force_login(staff["compliance"])
    other = Organization.objects.create(controller=fi_controller, name="Toinen Oy")
    for kind, row in (("owner", kyc["owner"]), ("due_diligence", kyc["cdd"])):
        assert (
            client.get(reverse("kyc:record_remove", args=[other.pk, kind, row.pk])).status_code
            == 404
        )
    assert (
        client.get(reverse("kyc:record_edit", args=[kyc["org"].pk, "nothing", 1])).status_code
        == 404
    )


def test_sales_cannot_change_kyc(client, staff, kyc):
    client.force_login(staff["sales"])
    url = reverse("kyc:record_remove", args=[kyc["org"].pk, "owner", kyc["owner"].pk])
    assert client.post(url).status_code == 403
    assert BeneficialOwner.objects.filter(pk=kyc["owner"].pk).exists()


def test_the_api_corrects_and_removes(staff, kyc):
    api = ApiClient(staff["compliance"])
    org, person = kyc["org"], kyc["person"]
    right = api.client.put(
        f"/api/v1/kyc/organizations/{org.pk}/representatives/{kyc['right'].pk}",
        {"kind": "procuration", "evidence": "minutes", **SOURCE},
        content_type="application/json",
        headers=api._headers(),
    )
    assert right.status_code == 200, right.content
    assert right.json()["kind"] == "procuration"
    bad = api.client.put(
        f"/api/v1/kyc/persons/{person.pk}/pep/{kyc['pep'].pk}",
        {**PEP, "country": "Finland"},
        content_type="application/json",
        headers=api._headers(),
    )
    assert bad.status_code == 422 and "country" in bad.content.decode()
    for path in (
        f"/kyc/organizations/{org.pk}/owners/{kyc['owner'].pk}",
        f"/kyc/persons/{person.pk}/pep/{kyc['pep'].pk}",
        f"/kyc/organizations/{org.pk}/due-diligence/{kyc['cdd'].pk}",
        f"/kyc/organizations/{org.pk}/representatives/{kyc['right'].pk}",
    ):
        response = api.client.delete(f"/api/v1{path}", headers=api._headers())
        assert response.status_code == 204, (path, response.content)
        again = api.client.delete(f"/api/v1{path}", headers=api._headers())
        assert again.status_code == 404, path
    assert not BeneficialOwner.objects.exists() and not DueDiligence.objects.exists()
    person.refresh_from_db()
    assert person.is_beneficial_owner is False
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE).count()
    assert deleted == 4
