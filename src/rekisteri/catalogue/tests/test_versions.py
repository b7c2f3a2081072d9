"""Safe versions: a catalogue that drops a category or purpose still holding data is refused
with the counts of what it would leave behind, unless forced."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rekisteri.audit.services import Actor
from rekisteri.catalogue.models import CatalogueVersion
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.catalogue.services import CatalogueDropRefused, catalogue_load
from rekisteri.testing.fixtures import DEMO_CATALOGUE


def demo_text() -> str:
    return DEMO_CATALOGUE.read_text(encoding="utf-8")


def without_kyc(text: str) -> str:
    text = re.sub(r'\[\[categories\]\]\ncode = "kyc"\n(?:.*\n){3}', "", text)
    text = re.sub(r'\[\[retention\]\]\ncode = "kyc-5-years"\n(?:.*\n){6}', "", text)
    return text.replace('"kyc", ', "")


def without_stakeholder_purpose(text: str) -> str:
    text = re.sub(r'\[\[purposes\]\]\ncode = "stakeholder_cooperation"\n(?:.*\n){7}\n', "", text)
    return text.replace('"stakeholder_cooperation", ', "")


@pytest.fixture
def beneficial_owner(catalogue, make_person):
    from rekisteri.register.models import Person

    person = make_person()
    Person.objects.filter(pk=person.pk).update(is_beneficial_owner=True)
    return person


def test_dropping_a_category_that_holds_data_is_refused_with_its_row_counts(beneficial_owner):
    with pytest.raises(CatalogueDropRefused) as exc:
        catalogue_load(text=without_kyc(demo_text()), source_name="b", actor=Actor("t"))
    assert exc.value.plan.categories == {"kyc": {"register.Person": 1}}
    assert "category 'kyc' is dropped but 1 rows hold its data" in str(exc.value)
    assert CatalogueVersion.objects.count() == 1
    assert "kyc" in catalogue_snapshot().categories


def test_dropping_a_category_nobody_has_data_in_loads(catalogue):
    _, created = catalogue_load(text=without_kyc(demo_text()), source_name="b", actor=Actor("t"))
    assert created and "kyc" not in catalogue_snapshot().categories


def test_dropping_a_purpose_still_named_by_shares_is_refused_with_counts(
    catalogue, make_person, se_controller
):
    from django.utils import timezone

    from rekisteri.access.models import GroupShare

    person = make_person()
    GroupShare.objects.create(
        person=person,
        controller=se_controller,
        purpose="stakeholder_cooperation",
        shared_at=timezone.now(),
        shared_by="t",
    )
    text = without_stakeholder_purpose(demo_text())
    assert "stakeholder_cooperation" not in text
    with pytest.raises(CatalogueDropRefused) as exc:
        catalogue_load(text=text, source_name="b", actor=Actor("t"))
    assert exc.value.plan.purposes["stakeholder_cooperation"] == {"access.GroupShare.purpose": 1}


def test_the_command_refuses_naming_counts_and_force_loads_printing_the_plan(
    beneficial_owner, tmp_path: Path, capsys
):
    from rekisteri.audit.models import AuditEvent

    path = tmp_path / "c.toml"
    path.write_text(without_kyc(demo_text()), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("catalogue", "load", str(path))
    assert "register.Person: 1 rows" in str(exc.value) and "--force" in str(exc.value)
    call_command("catalogue", "load", str(path), "--force")
    out = capsys.readouterr().out
    assert "category 'kyc' is dropped but 1 rows hold its data" in out
    assert "hidden from every role" in out
    assert "kyc" not in catalogue_snapshot().categories
    version = CatalogueVersion.objects.order_by("-id").first()
    event = AuditEvent.objects.filter(record=f"catalogue.CatalogueVersion:{version.pk}").get()
    assert event.detail["forced_drop"]["categories"] == {"kyc": {"register.Person": 1}}
