"""The KYC section of an organisation page: a compliance user sees it and records with it;
a sales user sees neither the link nor the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rekisteri.kyc.models import BeneficialOwner, DueDiligence
from rekisteri.register.models import Affiliation, Organization


@pytest.fixture
def org(fi_controller):
    return Organization.objects.create(controller=fi_controller, name="Omistettu Oy")


def test_compliance_records_an_owner_and_due_diligence_on_the_page(client, staff, org, make_person):
    person = make_person(first_name="Olli", last_name="Omistaja")
    Affiliation.objects.create(person=person, organization=org, start=date(2020, 1, 1))
    client.force_login(staff["compliance"])
    detail = client.get(reverse("register:organization_detail", args=[org.pk]))
    url = reverse("kyc:organisation", args=[org.pk])
    assert url in detail.content.decode()

    response = client.post(
        url,
        {
            "form": "owner",
            "owner-person": person.pk,
            "owner-control": "ownership",
            "owner-share_percent": "75",
            "owner-source": "owner_register",
            "owner-source_date": "2026-01-15",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Omistaja, Olli" in page
    assert BeneficialOwner.objects.get(organization=org).share_percent == 75

    response = client.post(
        url,
        {
            "form": "due_diligence",
            "due_diligence-risk_level": "high",
            "due_diligence-checks": "identity checked",
            "due_diligence-checked_on": "2026-01-15",
            "due_diligence-next_review": "2025-01-15",
        },
    )
    assert response.status_code == 200
    assert "seuraava tarkistus on ennen tarkistusta" in response.content.decode()
    assert not DueDiligence.objects.exists()


def test_sales_sees_no_kyc_link_and_no_kyc_page(client, staff, org):
    client.force_login(staff["sales"])
    detail = client.get(reverse("register:organization_detail", args=[org.pk]))
    url = reverse("kyc:organisation", args=[org.pk])
    assert url not in detail.content.decode()
    assert client.get(url).status_code == 403


def test_the_demo_hook_records_one_customers_kyc(fi_controller, make_person, org):
    import io

    from rekisteri.kyc import demo
    from rekisteri.kyc.models import PepStatus, RepresentationRight

    for name in ("Omistaja", "Allekirjoittaja"):
        Affiliation.objects.create(
            person=make_person(last_name=name), organization=org, start=date(2020, 1, 1)
        )
    out = io.StringIO()
    demo.load(stdout=out)
    assert f"/staff/kyc/organisations/{org.pk}/" in out.getvalue()
    assert BeneficialOwner.objects.get().person.is_beneficial_owner
    assert RepresentationRight.objects.count() == PepStatus.objects.count() == 1
    assert DueDiligence.objects.get().risk_level == "high"
