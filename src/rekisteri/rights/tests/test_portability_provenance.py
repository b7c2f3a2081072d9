"""Portability exports what the person gave us: the provenance of the CURRENT value of a
field decides, not whether the person once gave some value of it."""

from __future__ import annotations

from rekisteri.access.selectors import scope_for, system_scope
from rekisteri.catalogue.models import SourceKind
from rekisteri.register.models import Provenance, record_key
from rekisteri.register.services import SourceRef, person_update
from rekisteri.rights.packages import portable_items


def _fields(person) -> set[str]:
    return {i["field"] for i in portable_items(person_ids=[person.pk])}


def test_title_overwritten_from_a_public_register_is_not_exported(make_person, actor):
    person = make_person(title="Toimitusjohtaja")
    assert {"first_name", "title"} <= _fields(person)
    person_update(
        actor=actor,
        person=person,
        data={"title": "Hallituksen puheenjohtaja"},
        scope=system_scope("test data"),
        source=SourceRef(kind=SourceKind.PUBLIC_REGISTER, name="Kaupparekisteri"),
    )
    fields = _fields(person)
    assert "title" not in fields
    assert "first_name" in fields  # still the person's own


def test_title_the_person_gives_again_is_exported_again(make_person, actor):
    person = make_person(title="Toimitusjohtaja")
    for kind in (SourceKind.PUBLIC_REGISTER, SourceKind.DATA_SUBJECT):
        person_update(
            actor=actor,
            person=person,
            data={"title": f"Titteli {kind}"},
            scope=system_scope("test data"),
            source=SourceRef(kind=kind),
        )
    assert "title" in _fields(person)


def test_staff_edit_without_a_source_is_not_recorded_as_the_persons_own(make_person, actor, staff):
    person = make_person(title="Toimitusjohtaja")
    person_update(
        actor=actor,
        person=person,
        data={"title": "Myyntijohtaja"},
        scope=scope_for(staff["sales"]),
    )
    last = Provenance.objects.filter(person=person, record=record_key(person)).latest("id")
    assert last.fields == ["title"]
    assert last.source_kind != SourceKind.DATA_SUBJECT
    assert "title" not in _fields(person)
