"""Screening data is personal data: in the notice and the Art. 30 record through the
catalogue, kept by erasure with the AML law, withheld from the access package with the
reason; and the demo shows one open hit."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rekisteri.access.selectors import scope_for
from rekisteri.register.models import Affiliation, Organization, OrganizationRelationship
from rekisteri.rights.services import erasure_plan
from rekisteri.screening.models import HitStatus, PersonHit
from rekisteri.screening.tests.conftest import PERSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit(load, work, make_person):
    load()
    person = make_person(**PERSON)
    work()
    return PersonHit.objects.get(person=person)


def test_the_notice_and_the_record_of_processing_name_screening(catalogue, tmp_path):
    out = StringIO()
    call_command("notice", "render", "--lang", "fi", stdout=out)
    assert "Pakote- ja PEP-listatarkistukset" in out.getvalue()
    path = tmp_path / "ropa.csv"
    call_command("ropa", "export", "--format", "csv", "--out", str(path), stdout=StringIO())
    text = path.read_text(encoding="utf-8-sig")
    assert "Sanctions and PEP list screening" in text


def test_erasure_keeps_the_hits_with_the_law_for_five_years(staff, hit, fi_controller):
    org = Organization.objects.create(controller=fi_controller, name="Asiakas Oy")
    ended = timezone.localdate() - timedelta(days=100)
    OrganizationRelationship.objects.create(
        organization=org, kind="customer", start=date(2015, 1, 1), end=ended
    )
    Affiliation.objects.create(person=hit.person, organization=org, start=date(2015, 1, 1))
    plan = erasure_plan(scope=scope_for(staff["dpo"]), person=hit.person)
    kept = next(i for i in plan.keep if i.model == "screening.PersonHit")
    assert kept.pk == hit.pk
    assert "Rahanpesulaki 444/2017" in kept.legal_reference
    assert kept.until is not None and kept.until.startswith(str(ended.year + 5))
    assert plan.person_kept


def test_the_demo_loads_a_synthetic_list_and_shows_one_open_hit(catalogue):
    from rekisteri.imports.demo_data import demo_data_load
    from rekisteri.screening import demo

    demo_data_load()
    out = StringIO()
    demo.load(stdout=out)
    hits = list(PersonHit.objects.filter(status=HitStatus.OPEN))
    assert len(hits) == 1
    assert f"/staff/screening/hits/person/{hits[0].pk}/" in out.getvalue()
    demo.load(stdout=StringIO())  # again: nothing added
    assert PersonHit.objects.count() == 1


@pytest.mark.parametrize(
    ("lang", "name", "law"),
    [
        ("fi", "Pakote- ja PEP-listatarkistukset", "444/2017"),
        ("sv", "Kontroller mot sanktions- och PEP-listor", "2017:630"),
        ("en", "Sanctions and PEP list screening", "444/2017"),
    ],
)
def test_the_access_package_withholds_the_screening_and_says_why(
    staff, hit, settings, tmp_path, lang, name, law
):
    import json
    import zipfile

    from rekisteri.audit.services import Actor
    from rekisteri.rights.packages import access_package_build

    settings.PACKAGES_DIR = tmp_path
    path = access_package_build(
        scope=scope_for(staff["dpo"]), actor=Actor("dpo"), person_ids=[hit.person_id], lang=lang
    )
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n).decode("utf-8") for n in zf.namelist()}
    document = json.loads(files["data.json"])
    assert not [i for i in document["items"] if i["model"] == "screening.PersonHit"]
    for text in files.values():
        assert "Veikko Ilmari Tarvaskoski" not in text  # the list entry's name
        assert hit.entity_key not in text
    withheld = {w["category_name"]: w for w in document["withheld"]}
    assert name in withheld and law in withheld[name]["law"]
    assert name in files["report.html"] and law in files["report.html"]
    assert law in files["README.txt"]
    # the person's own basic data is still there
    assert any(i["field"] == "last_name" and i["value"] == "Tarvaskoski" for i in document["items"])
