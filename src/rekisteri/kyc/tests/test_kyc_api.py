"""The KYC operations of the JSON API: compliance records and reads; bad input names the
field; sales is refused."""

from __future__ import annotations

import pytest

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.kyc.models import BeneficialOwner
from rekisteri.register.models import Organization


@pytest.fixture
def org(fi_controller):
    return Organization.objects.create(controller=fi_controller, name="Omistettu Oy")


def test_compliance_records_and_reads_an_organisations_kyc(staff, org, make_person):
    person = make_person()
    api = ApiClient(staff["compliance"])
    owner = api.post(
        f"/kyc/organizations/{org.pk}/owners",
        {
            "person_id": person.pk,
            "control": "voting_rights",
            "share_percent": "40.5",
            "source": "own_statement",
            "source_date": "2026-02-01",
        },
    )
    assert owner.status_code == 201, owner.content
    pep = api.post(
        f"/kyc/persons/{person.pk}/pep",
        {
            "relation": "self",
            "position": "mayor",
            "country": "FI",
            "next_review": "2027-02-01",
            "source": "public_source",
            "source_date": "2026-02-01",
        },
    )
    assert pep.status_code == 201, pep.content
    body = api.get(f"/kyc/organizations/{org.pk}").json()
    assert body["owners"][0]["person_id"] == person.pk
    assert body["owners"][0]["share_percent"] == "40.50"
    assert body["peps"][0]["position"] == "mayor"


def test_bad_input_names_the_field_and_sales_is_refused(staff, org, make_person):
    person = make_person()
    bad = ApiClient(staff["compliance"]).post(
        f"/kyc/organizations/{org.pk}/owners",
        {
            "person_id": person.pk,
            "control": "ownership",
            "share_percent": "101",
            "source": "own_statement",
            "source_date": "2026-02-01",
        },
    )
    assert bad.status_code == 422
    assert "share_percent" in bad.json()["errors"]
    refused = ApiClient(staff["sales"]).get(f"/kyc/organizations/{org.pk}")
    assert refused.status_code == 403
    assert not BeneficialOwner.objects.exists()
