"""AML investigations on the staff pages and in the API: compliance opens, lists, reads and
closes them; everyone without the capability is refused; every step is audited under the
exempt category, which the person's access package still leaves out."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from rekisteri.access.selectors import scope_for
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.kyc.models import AmlInvestigation
from rekisteri.register.models import Affiliation, Organization

GROUNDS = "Käteispanot eivät sovi asiakkaan liiketoimintaan"


@pytest.fixture
def person(fi_controller: Any, make_person: Any) -> Any:
    p = make_person(first_name="Aino", last_name="Tutkittava")
    org = Organization.objects.create(controller=fi_controller, name="Tutkittava Oy")
    Affiliation.objects.create(person=p, organization=org, start=date(2020, 1, 1))
    return p


def _events(person: Any, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(person_id=person.pk, action=action))


def test_compliance_opens_lists_and_closes_an_investigation_on_the_pages(
    client: Any, staff: Any, person: Any
) -> None:
    client.force_login(staff["compliance"])
    kyc_page = client.get(reverse("register:person_detail", args=[person.pk])).content.decode()
    new_url = reverse("kyc:investigation_new", args=[person.pk])
    assert new_url in kyc_page  # the person page offers it to compliance
    org = Organization.objects.get(name="Tutkittava Oy")
    response = client.post(
        new_url,
        {"organization": org.pk, "opened_on": "2026-02-01", "grounds": GROUNDS},
        follow=True,
    )
    row = AmlInvestigation.objects.get(person=person)
    assert row.organization == org and row.outcome == "open"
    assert GROUNDS in response.content.decode()
    created = _events(person, AuditAction.CREATE)
    assert any(e.record == f"kyc.AmlInvestigation:{row.pk}" for e in created)
    assert all("aml_investigation" in e.categories for e in created if "Aml" in e.record)

    listing = client.get(reverse("kyc:investigations")).content.decode()
    assert reverse("kyc:investigation", args=[row.pk]) in listing

    close_url = reverse("kyc:investigation_close", args=[row.pk])
    bad = client.post(close_url, {"outcome": "reported"})
    assert bad.status_code == 200
    assert "reported_on" in bad.context["form"].errors
    AmlInvestigation.objects.get(pk=row.pk, outcome="open")

    client.post(close_url, {"outcome": "reported", "reported_on": "2026-02-10"}, follow=True)
    row.refresh_from_db()
    assert (row.outcome, row.reported_on) == ("reported", date(2026, 2, 10))
    assert any("AML investigation closed" in e.reason for e in _events(person, "update"))
    # closed: not in the open list, but in "all"; not closed a second time
    assert (
        reverse("kyc:investigation", args=[row.pk])
        not in client.get(reverse("kyc:investigations")).content.decode()
    )
    assert GROUNDS not in client.get(reverse("kyc:investigations")).content.decode()
    again = client.post(close_url, {"outcome": "no_suspicion"})
    assert again.status_code == 200 and "outcome" in again.context["form"].errors
    row.refresh_from_db()
    assert row.outcome == "reported"


@pytest.mark.parametrize("role", ["sales", "marketing", "customer_service", "finance"])
def test_other_roles_see_no_link_and_are_refused(
    client: Any, staff: Any, person: Any, role: str
) -> None:
    client.force_login(staff[role])
    page = client.get(reverse("register:person_detail", args=[person.pk])).content.decode()
    assert reverse("kyc:investigation_new", args=[person.pk]) not in page
    assert client.get(reverse("kyc:investigations")).status_code == 403
    assert (
        client.post(
            reverse("kyc:investigation_new", args=[person.pk]),
            {"opened_on": "2026-02-01", "grounds": "x"},
        ).status_code
        == 403
    )
    assert not AmlInvestigation.objects.exists()


def test_the_api_opens_lists_reads_and_closes(staff: Any, person: Any) -> None:
    api = ApiClient(staff["compliance"])
    opened = api.post(
        f"/kyc/persons/{person.pk}/investigations",
        {"opened_on": "2026-02-01", "grounds": GROUNDS},
    )
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    assert [r["id"] for r in api.get("/kyc/investigations").json()] == [pk]
    assert api.get(f"/kyc/investigations/{pk}").json()["grounds"] == GROUNDS
    bad = api.post(f"/kyc/investigations/{pk}/close", {"outcome": "lost interest"})
    assert bad.status_code == 422 and "outcome" in bad.json()["errors"]
    closed = api.post(f"/kyc/investigations/{pk}/close", {"outcome": "no_suspicion"})
    assert closed.status_code == 200 and closed.json()["outcome"] == "no_suspicion"
    assert api.get("/kyc/investigations").json() == []
    assert [r["id"] for r in api.get("/kyc/investigations?all=true").json()] == [pk]
    assert ApiClient(staff["sales"]).get("/kyc/investigations").status_code == 403
    assert api.get("/kyc/investigations/999999").status_code == 404


def test_the_access_package_still_withholds_what_the_pages_recorded(
    client: Any, staff: Any, person: Any, settings: Any, tmp_path: Any
) -> None:
    from rekisteri.rights.packages import access_package_build

    client.force_login(staff["compliance"])
    client.post(
        reverse("kyc:investigation_new", args=[person.pk]),
        {"opened_on": "2026-02-01", "grounds": GROUNDS},
    )
    row = AmlInvestigation.objects.get(person=person)
    client.get(reverse("kyc:investigation", args=[row.pk]))  # a VIEW in the audit trail
    assert any("aml_investigation" in e.categories for e in _events(person, AuditAction.VIEW))
    settings.PACKAGES_DIR = tmp_path
    path = access_package_build(
        scope=scope_for(staff["dpo"]), actor=Actor("dpo"), person_ids=[person.pk], lang="en"
    )
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n).decode("utf-8") for n in zf.namelist()}
    for text in files.values():
        assert GROUNDS not in text and "AmlInvestigation" not in text
    doc = json.loads(files["data.json"])
    assert doc["withheld"] and all(
        "aml_investigation" not in e["categories"] for e in doc["access_log"]
    )
