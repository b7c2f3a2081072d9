"""Erasure (Art. 17): the plan, one transaction, nothing left behind but what the law keeps."""

from __future__ import annotations

from datetime import date

import pytest

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditEvent, AuditKey
from rekisteri.catalogue.selectors import in_language
from rekisteri.register.models import ContactPoint, Person
from rekisteri.register.services import person_create, person_update
from rekisteri.rights.services import (
    ErasureBlocked,
    access_package_build,
    erasure_execute,
    erasure_plan,
)
from rekisteri.rights.tests.rows import fill_every_model
from rekisteri.rights.tests.scan import scan_files, scan_tables

pytestmark = pytest.mark.django_db(transaction=False)

NAMES = {"first_name": "Ylvaliisa", "last_name": "Qvarnströmkoski"}
EMAIL = "ylvaliisa.qvarn@example.fi"
PHONE = "+358401234987"


@pytest.fixture
def dirs(settings, tmp_path):
    settings.PACKAGES_DIR = tmp_path / "packages"
    settings.FILES_DIR = tmp_path / "files"
    return [settings.PACKAGES_DIR, settings.FILES_DIR]


def _needles(code: str = "") -> list[str]:
    return [NAMES["first_name"], NAMES["last_name"], EMAIL, PHONE, code]


def _invoice(person, year):
    from rekisteri.interactions.models import Invoice

    return Invoice.objects.create(
        controller=person.controller,
        person=person,
        number=f"INV-{year}",
        billing_year=year,
        amount="100.00",
        recipient_name=f"{NAMES['first_name']} {NAMES['last_name']}",
    )


def _communication_with_file(person):
    from rekisteri.interactions.files import file_store
    from rekisteri.interactions.models import Communication
    from rekisteri.rights.tests.rows import make_row

    stored = file_store(data=f"Hei {NAMES['first_name']}, {EMAIL}".encode(), suffix=".txt")
    comm = make_row(Communication, person, "zqcomm", link_path="person")
    comm.subject = f"Viesti {NAMES['last_name']}"
    comm.body = f"Soita {PHONE}"
    comm.counterpart = EMAIL
    comm.attachment = stored
    comm.save()
    return comm


def test_plan_keeps_current_invoices_and_deletes_the_rest(make_person, dpo):
    person = make_person(**NAMES, email=EMAIL, phone=PHONE)
    this_year = date.today().year
    current = _invoice(person, this_year - 1)
    old = _invoice(person, this_year - 12)
    plan = erasure_plan(scope=dpo, person=person)
    kept = {i.record: i for i in plan.keep}
    deleted = {i.record for i in plan.delete}
    assert f"interactions.Invoice:{current.pk}" in kept
    item = kept[f"interactions.Invoice:{current.pk}"]
    assert "1336/1997" in item.legal_reference
    # Ten calendar years after the end of the billing year (the retention engine's date).
    assert date.fromisoformat(item.until).year in (this_year + 9, this_year + 10)
    assert item.detach is True
    assert f"interactions.Invoice:{old.pk}" in deleted
    assert f"register.Person:{person.pk}" in deleted
    assert plan.person_kept is False
    assert plan.suppression == {"email": 1, "phone": 1}


def test_erasure_leaves_nothing_but_the_kept_invoice(
    make_person, actor, dirs, django_capture_on_commit_callbacks, dpo
):
    person = make_person(**NAMES, email=EMAIL, phone=PHONE)
    invoice = _invoice(person, date.today().year - 1)
    comm = _communication_with_file(person)
    person_update(
        actor=actor, person=person, data={"title": "Johtaja"}, scope=system_scope("test")
    )  # sealed before/after
    with django_capture_on_commit_callbacks(execute=True):
        access_package_build(scope=dpo, actor=actor, person_ids=[person.pk], lang="fi")
    assert scan_files(dirs, _needles()), "the package and the attachment hold the person's data"
    pid = person.pk
    plan = erasure_plan(scope=dpo, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        result = erasure_execute(scope=dpo, actor=actor, person=person, plan=plan)
    assert not Person.objects.filter(pk=pid).exists()
    assert result.detached == 1
    invoice.refresh_from_db()
    assert invoice.person_id is None  # detached, the snapshot kept as the law requires
    kept_tables = {("interactions_invoice", invoice.pk)}
    hits = [h for h in scan_tables(_needles()) if (h[0], h[1]) not in kept_tables]
    assert hits == []
    assert scan_files(dirs, _needles()) == []
    from rekisteri.interactions.models import StoredFile

    assert not StoredFile.objects.filter(pk=comm.attachment_id).exists()
    # The audit trail stays whole but the person's sealed values can no longer be read.
    assert AuditEvent.objects.filter(person_id=pid, action="erasure").exists()
    assert not AuditKey.objects.filter(person_id=pid).exists()


def test_erasure_of_every_model_keeps_only_what_the_plan_lists(
    make_person, actor, dirs, django_capture_on_commit_callbacks, dpo
):
    person = make_person(**NAMES, email=EMAIL, phone=PHONE)
    fill_every_model(person)  # includes an identity code, kept under the AML act
    plan = erasure_plan(scope=dpo, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_execute(scope=dpo, actor=actor, person=person, plan=plan)
    kept = set()
    from django.apps import apps

    for item in plan.keep:
        kept.add((apps.get_model(item.model)._meta.db_table, item.pk))
    hits = [h for h in scan_tables(_needles("131052-308T")) if (h[0], h[1]) not in kept]
    assert hits == []
    if plan.person_kept:
        p = Person.objects.get(pk=person.pk)
        assert p.restricted_since is not None
        assert not ContactPoint.objects.filter(person=p).exists()


def test_reimported_email_is_not_reachable_by_marketing_again(
    make_person, actor, fi_controller, dpo
):
    from rekisteri.consent import selectors as consent
    from rekisteri.register.services import organization_create

    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Asiakas Oy", "country": "FI"},
        scope=system_scope("test"),
    )
    data = {**NAMES, "email": EMAIL}
    person = person_create(
        actor=actor,
        controller=fi_controller,
        data=data,
        organization=org,
        scope=system_scope("test"),
    )
    # A business contact may be marketed to until they object (the B2B rule)...
    assert consent.marketing_permission(person=person).allowed
    erasure_execute(scope=dpo, actor=actor, person=person)
    # ...but after erasure the same address, imported again, is suppressed.
    again = person_create(
        actor=actor,
        controller=fi_controller,
        data=data,
        organization=org,
        scope=system_scope("test"),
    )
    decision = consent.marketing_permission(person=again)
    assert decision.allowed is False


def test_legal_hold_keeps_everything(make_person, actor, dpo):
    from rekisteri.retention.models import LegalHold

    person = make_person(**NAMES, email=EMAIL)
    LegalHold.objects.create(
        scope="person",
        person=person,
        reason="open claim",
        controller=person.controller,
        created_by="test",
    )
    plan = erasure_plan(scope=dpo, person=person)
    assert plan.person_kept and plan.delete == []
    assert any("legal hold" in i.reason for i in plan.keep)


def test_plan_that_no_longer_matches_is_refused(make_person, actor, dpo):
    person = make_person(**NAMES, email=EMAIL)
    plan = erasure_plan(scope=dpo, person=person)
    _invoice(person, date.today().year - 20)  # data added after the plan was shown
    with pytest.raises(ErasureBlocked):
        erasure_execute(scope=dpo, actor=actor, person=person, plan=plan)
    assert Person.objects.filter(pk=person.pk).exists()


def test_packages_are_written_to_the_configured_directory_and_go_with_erasure(
    make_person, actor, settings, tmp_path, django_capture_on_commit_callbacks, dpo
):
    settings.PACKAGES_DIR = tmp_path / "configured"
    person = make_person(**NAMES, email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        path = access_package_build(scope=dpo, actor=actor, person_ids=[person.pk], lang="fi")
    assert path.parent == tmp_path / "configured" and path.exists()
    assert list((tmp_path / "configured").glob("*.zip")) == [path]
    with django_capture_on_commit_callbacks(execute=True):
        erasure_execute(scope=dpo, actor=actor, person=person)
    assert list((tmp_path / "configured").glob("*.zip")) == []


def test_a_plan_names_the_record_a_legal_hold_keeps(make_person, actor, dpo):
    """A hold on one record keeps that record (the shim that read holds looked up a field
    that does not exist and answered nothing for record holds)."""
    from rekisteri.retention.tests.sweeping import place_hold

    person = make_person(**NAMES, email=EMAIL)
    old = _invoice(person, date.today().year - 20)
    place_hold(record=f"interactions.Invoice:{old.pk}", reason="tax audit")
    plan = erasure_plan(scope=dpo, person=person)
    kept = {i.record: i for i in plan.keep}
    assert f"interactions.Invoice:{old.pk}" in kept
    assert "legal hold" in kept[f"interactions.Invoice:{old.pk}"].reason


def test_the_plan_cites_the_law_the_catalogue_names_for_kept_requests(make_person, dpo):
    """The proof of a handled request is kept by the catalogue's rule, with its law: a
    Swedish company's catalogue names Swedish law, and the plan never adds Finnish law."""
    from rekisteri.audit.services import Actor
    from rekisteri.catalogue.services import catalogue_load
    from rekisteri.testing.fixtures import DEMO_CATALOGUE

    person = make_person(**NAMES, email=EMAIL)
    finnish = erasure_plan(scope=dpo, person=person)
    assert any("728/2003" in line for line in finnish.also_kept)

    text = DEMO_CATALOGUE.read_text(encoding="utf-8").replace(
        'legal_reference = { fi = "Vanhentumislaki 728/2003 4 §", sv = "Finska preskriptionslagen '
        '(vanhentumislaki 728/2003) 4 §", en = "Finnish Limitation Act 728/2003, s. 4" }',
        'legal_reference = "preskriptionslagen (1981:130) 2 §"',
    )
    catalogue_load(text=text, source_name="swedish law", actor=Actor("test"))
    swedish = erasure_plan(scope=dpo, person=person)
    assert any("1981:130" in line for line in swedish.also_kept)
    assert not any("728/2003" in line for line in swedish.also_kept)


def test_plan_says_why_a_record_is_kept_in_the_readers_language(make_person, dpo):
    """The reason and the law of a kept invoice are the catalogue's own words in Finnish,
    Swedish and English (the Swedish page cited the Finnish law's Finnish name and the
    English description before), and the lines on what else is kept are translated."""
    person = make_person(**NAMES, email=EMAIL)
    invoice = _invoice(person, date.today().year - 1)
    plan = erasure_plan(scope=dpo, person=person)
    item = next(i for i in plan.keep if i.record == f"interactions.Invoice:{invoice.pk}")
    assert item.reason_in("sv").startswith("Under kundrelationen och 10 år")
    assert item.reason_in("fi").startswith("Asiakassuhteen ajan ja 10 vuotta")
    assert item.law_in("sv").startswith("Finska bokföringslagen (kirjanpitolaki 1336/1997)")
    assert item.law_in("en").startswith("Finnish Accounting Act 1336/1997")
    assert item.legal_reference == item.law_in("en")  # the record keeps the English
    swedish = [in_language(t, "sv") for t in plan.also_kept_texts]
    assert swedish[-1].endswith("(Finska preskriptionslagen (vanhentumislaki 728/2003) 4 §)")
    assert not any("audit trail" in line or "suppression list" in line for line in swedish)
