"""The AML exemption from the right of access: a catalogue category a law exempts is left out
of the person's access package, which says in the person's language that a part was
withheld, what kind and under which law; the notice and the Art. 30 record say it too.
The person's own KYC records (ownership, PEP status) are not exempt and stay in."""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest

from rekisteri.access.selectors import scope_for
from rekisteri.audit.services import Actor
from rekisteri.kyc.services import KycError, aml_investigation_record, beneficial_owner_record
from rekisteri.register.models import Organization

OWNER = {
    "share_percent": "60",
    "control": "ownership",
    "source": "owner_register",
    "source_date": "2026-01-15",
}
GROUNDS = "Käteispanot eivät sovi asiakkaan liiketoimintaan"
LAW = {"fi": "444/2017) 11 luku 3 §", "sv": "2017:630) 4 kap. 9 §", "en": "(444/2017) chapter 11"}
WITHHELD = {
    "fi": "Tästä kopiosta lain nojalla pois jätetyt tiedot",
    "sv": "Uppgifter som med stöd av lag utelämnats ur kopian",
    "en": "Data left out of this copy by law",
}
CATEGORY = {
    "fi": "Rahanpesun selvittelytiedot",
    "sv": "Uppgifter om granskning mot penningtvätt",
    "en": "Anti-money-laundering investigation data",
}


@pytest.fixture
def investigated(staff: Any, actor: Any, fi_controller: Any, make_person: Any) -> Any:
    compliance = scope_for(staff["compliance"])
    org = Organization.objects.create(controller=fi_controller, name="Tutkittava Oy")
    person = make_person(first_name="Aino", last_name="Tutkittava")
    beneficial_owner_record(
        scope=compliance, actor=actor, organization_id=org.pk, person_id=person.pk, data=OWNER
    )
    aml_investigation_record(
        scope=compliance,
        actor=actor,
        person_id=person.pk,
        organization_id=org.pk,
        data={"opened_on": "2026-02-01", "grounds": GROUNDS, "outcome": "open"},
    )
    return person


def _package(staff: Any, person: Any, lang: str, settings: Any, tmp_path: Any) -> dict[str, str]:
    from rekisteri.rights.packages import access_package_build

    settings.PACKAGES_DIR = tmp_path
    path = access_package_build(
        scope=scope_for(staff["dpo"]), actor=Actor("dpo"), person_ids=[person.pk], lang=lang
    )
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist()}


def test_the_catalogue_names_the_exempt_category_and_its_law(catalogue: Any) -> None:
    from rekisteri.kyc.services import aml_category, kyc_category

    exemption = catalogue.exempt_from_access(aml_category())
    assert exemption is not None
    assert "444/2017" in exemption.law["fi"] and "2017:630" in exemption.law["sv"]
    assert catalogue.exempt_from_access(kyc_category()) is None
    # the AML investigation and the sanctions screening review (rekisteri.screening)
    assert aml_category() in set(catalogue.access_exemptions)
    assert kyc_category() not in set(catalogue.access_exemptions)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_package_withholds_the_investigation_and_says_why(
    staff: Any, investigated: Any, lang: str, settings: Any, tmp_path: Any
) -> None:
    files = _package(staff, investigated, lang, settings, tmp_path)
    report, data, readme = files["report.html"], files["data.json"], files["README.txt"]
    # the investigation is nowhere in the package: not its grounds, not its record
    for text in (report, data, files["data.csv"], files["access_log.csv"]):
        assert GROUNDS not in text
        assert "AmlInvestigation" not in text
    # ... and the package says, in its language, that such data is withheld and by which law
    assert WITHHELD[lang] in report
    assert CATEGORY[lang] in report and LAW[lang] in report
    assert CATEGORY[lang] in readme and LAW[lang] in readme
    doc = json.loads(data)
    assert CATEGORY[lang] in [w["category_name"] for w in doc["withheld"]]
    assert LAW[lang] in doc["withheld"][0]["law"] and doc["withheld"][0]["reason"]
    # the person's own KYC records are not exempt: the ownership stays in
    assert {i["model"] for i in doc["items"]} >= {"kyc.BeneficialOwner"}
    assert not any(i["category"] == "aml_investigation" for i in doc["items"])


@pytest.mark.django_db
def test_the_access_log_does_not_tell_the_investigation_was_read(
    staff: Any, investigated: Any, settings: Any, tmp_path: Any
) -> None:
    from rekisteri.audit.models import AuditEvent

    assert any(
        "aml_investigation" in e.categories
        for e in AuditEvent.objects.filter(person_id=investigated.pk)
    )
    doc = json.loads(_package(staff, investigated, "en", settings, tmp_path)["data.json"])
    assert all("aml_investigation" not in e["categories"] for e in doc["access_log"])
    # the ownership's own entry is still there
    assert any("kyc" in e["categories"] for e in doc["access_log"])


@pytest.mark.django_db
def test_a_person_without_an_investigation_gets_the_same_statement(
    staff: Any, make_person: Any, settings: Any, tmp_path: Any
) -> None:
    """Saying "withheld" only to those examined would tip them off (the law forbids it)."""
    person = make_person()
    files = _package(staff, person, "fi", settings, tmp_path)
    assert WITHHELD["fi"] in files["report.html"]
    assert json.loads(files["data.json"])["withheld"][0]["category_name"] == CATEGORY["fi"]


@pytest.mark.django_db
def test_other_categories_are_unchanged(
    staff: Any, investigated: Any, settings: Any, tmp_path: Any
) -> None:
    doc = json.loads(_package(staff, investigated, "en", settings, tmp_path)["data.json"])
    fields = {(i["model"], i["field"]) for i in doc["items"]}
    assert ("register.Person", "first_name") in fields
    assert ("kyc.BeneficialOwner", "share_percent") in fields


@pytest.mark.django_db
def test_a_reported_investigation_needs_its_date(staff: Any, actor: Any, make_person: Any) -> None:
    from rekisteri.kyc.models import AmlInvestigation

    person = make_person()
    with pytest.raises(KycError) as err:
        aml_investigation_record(
            scope=scope_for(staff["compliance"]),
            actor=actor,
            person_id=person.pk,
            data={"opened_on": "2026-02-01", "grounds": "x", "outcome": "reported"},
        )
    assert err.value.field == "reported_on"
    assert not AmlInvestigation.objects.exists()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_notice_and_the_art30_record_state_the_exemption(catalogue: Any, lang: str) -> None:
    import datetime as dt

    from rekisteri.notice.content import notice_content
    from rekisteri.notice.render import notice_document, to_markdown
    from rekisteri.notice.ropa import ropa_rows

    content = notice_content(catalogue.catalogue)
    text = to_markdown(notice_document(content, lang, published=dt.date(2026, 11, 1), number=1))
    assert CATEGORY[lang] in text and LAW[lang] in text
    rows = [r for r in ropa_rows(content, lang) if CATEGORY[lang] in r["data_categories"]]
    assert rows and all(LAW[lang] in r["data_categories"] for r in rows)
