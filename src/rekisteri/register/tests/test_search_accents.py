"""Staff find persons and organisations without typing case or accents, on both databases."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from rekisteri.access.selectors import scope_for, system_scope
from rekisteri.common.text import search_key
from rekisteri.register.models import Organization, Person
from rekisteri.register.selectors import organization_list, person_list
from rekisteri.register.services import organization_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope(staff: dict[str, Any]) -> Any:
    return scope_for(staff["customer_service"])


def _names(qs: Any) -> set[str]:
    return {str(p) for p in qs}


def test_search_key_drops_case_and_accents() -> None:
    assert search_key("  Välilyönti  ÅSA ") == "valilyonti asa"
    assert search_key("Søren Ærø Straße") == "soren aero strasse"


def test_a_person_is_found_without_accents_or_case(make_person: Any, scope: Any) -> None:
    make_person(first_name="Aino", last_name="Välilyönti")
    make_person(first_name="Åsa", last_name="Öberg")
    make_person(first_name="Pekka", last_name="Virtanen")
    for q in ("valily", "VÄLILY", "Välilyönti", "valilyonti aino", "aino valilyönti"):
        assert _names(person_list(scope=scope, q=q)) == {"Aino Välilyönti"}, q
    assert _names(person_list(scope=scope, q="oberg asa")) == {"Åsa Öberg"}
    assert _names(person_list(scope=scope, q="ÖBERG")) == {"Åsa Öberg"}
    assert not person_list(scope=scope, q="valilyx").exists()


def test_the_search_compares_the_indexed_key_as_a_range(make_person: Any, scope: Any) -> None:
    """A prefix range on the stored key (not LOWER() or LIKE): the B-tree index is usable."""
    sql = str(person_list(scope=scope, q="Välily").query)
    assert '"search_name" >= valily' in sql and '"search_name" < valily' in sql
    assert "LIKE" not in sql.upper() and "LOWER(" not in sql.upper()


def test_an_organisation_is_found_without_accents_or_case(
    fi_controller: Any, actor: Any, scope: Any
) -> None:
    for name in ("Sähkö-Äijälä Oy", "Kone Oyj"):
        organization_create(
            actor=actor,
            controller=fi_controller,
            data={"name": name, "country": "FI"},
            scope=system_scope("test data"),
        )
    for q in ("sahko", "SÄHKÖ", "aijala"):
        assert [o.name for o in organization_list(scope=scope, q=q)] == ["Sähkö-Äijälä Oy"], q
    org = Organization.objects.get(name="Kone Oyj")
    org.name = "Köne Oyj"
    org.save(update_fields=["name"])
    assert [o.name for o in organization_list(scope=scope, q="kone")] == ["Köne Oyj"]


def test_the_migration_writes_existing_rows_in_the_new_form(
    make_person: Any, fi_controller: Any, actor: Any
) -> None:
    person = make_person(first_name="Aino", last_name="Välilyönti")
    organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Sähkö Oy", "country": "FI"},
        scope=system_scope("test data"),
    )
    # As the rows were before: lower case with accents, organisations without a key.
    Person.objects.filter(pk=person.pk).update(search_name="välilyönti aino")
    Organization.objects.update(search_name="")
    migration = importlib.import_module("rekisteri.register.migrations.0007_search_without_accents")
    migration.backfill(apps, None)
    person.refresh_from_db()
    assert person.search_name == "valilyonti aino"
    assert Organization.objects.get().search_name == "sahko oy"
