"""Matching subjects against the loaded lists: what a compliance user sees as a candidate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rekisteri.watchlists import matching
from rekisteri.watchlists.matching import Subject, match, match_many
from rekisteri.watchlists.services import load_list

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def lists() -> None:
    load_list(FIXTURES / "entities.ftm.json")
    load_list(FIXTURES / "eu_fsf.xml")
    load_list(FIXTURES / "un_consolidated.xml")


def keys(subject: Subject) -> list[str]:
    return [c.entity_key for c in match(subject)]


def person(name: str, born: date | None = None, *countries: str) -> Subject:
    return Subject("person", (name,), born, tuple(countries))  # catalogue-free: a kind


def test_a_listed_person_is_found_with_the_reasons(lists: None) -> None:
    found = match(person("Ivan Sidorenko", date(1961, 3, 14), "RU"))
    assert [c.entity_key for c in found] == ["NK-fict-ivanov"]
    best = found[0]
    assert best.list_name == "OpenSanctions"
    assert best.caption == "Ivan Petrovich Sidorenko"
    assert best.score >= matching.DEFAULT_THRESHOLD
    kinds = {r.kind: r for r in best.reasons}
    assert best.reasons[0].kind in ("name", "alias")
    assert best.reasons[0].ours == "Ivan Sidorenko"
    assert best.reasons[0].theirs in ("Ivan Petrovich Sidorenko", "Ivan Sydorenko")
    assert kinds["birth_date"].theirs == "1961-03-14"
    assert kinds["country"].ours == "RU"


def test_diacritics_transliteration_word_order_initials_and_typos_match(lists: None) -> None:
    # the list has the Cyrillic name; ours is in ICAO Latin letters
    assert "eu-fsf-900001" in keys(person("Olga Kuznetsova-Fiktiv"))
    assert "eu-fsf-900001" in keys(person("KUZNETSOVA-FIKTIV Olga Viktorovna"))
    assert "NK-fict-ivanov" in keys(person("I. Sidorenko", date(1961, 3, 14)))
    assert "NK-fict-ivanov" in keys(person("Ivan Sidorenkko"))
    assert "NK-fict-pep-lindqvist" in keys(person("Astrid Lindqvist Falk"))
    assert "NK-fict-pep-lindqvist" in keys(person("Åstrid Lindqvist-Fälk"))
    assert "un-9990001" in keys(person("Abdallah Yousef al Fiktivi"))
    # a birth date a day off still matches
    assert "un-9990001" in keys(person("Abdullah Yusuf Al-Fiktivi", date(1972, 1, 16)))


def test_a_different_person_of_the_same_surname_or_birth_is_not_a_candidate(
    lists: None,
) -> None:
    assert keys(person("Igor Sidorenko")) == []
    assert keys(person("Olga Kuznetsova-Fiktiv", date(1990, 5, 5))) == []
    assert keys(person("Astrid Lindgren")) == []


def test_an_organisation_matches_organisations_only_whatever_its_legal_form(
    lists: None,
) -> None:
    org = Subject("organisation", ("Nordic Fictional Steel Trading Oy",), None, ("FI",))
    assert [c.entity_key for c in match(org)] == ["NK-fict-steelco"]
    assert match(Subject("organisation", ("Ivan Petrovich Sidorenko",))) == []
    alias = match(Subject("organisation", ("Fimasco Ltd",)))
    assert [c.entity_key for c in alias] == ["un-9990101"]
    assert alias[0].reasons[0].kind == "alias"


def test_a_new_version_is_matched_at_once_and_an_old_one_no_more(
    lists: None, tmp_path: Path
) -> None:
    assert keys(person("Ivan Sidorenko"))
    smaller = tmp_path / "entities.ftm.json"
    lines = (FIXTURES / "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    smaller.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    version = load_list(smaller)
    assert keys(person("Ivan Sidorenko")) == []
    found = match(Subject("person", ("Astrid Lindqvist-Falk",)))
    assert found[0].list_version_id == version.pk


def test_match_many_gives_the_same_answers_in_order_in_worker_processes(lists: None) -> None:
    subjects = [
        person("Ivan Sidorenko"),
        person("Matti Virtanen"),
        Subject("organisation", ("Fictional Potash Export Oy",)),
        person("Olga Kuznetsova-Fiktiv"),
    ] * 5
    expected = [match(s) for s in subjects]
    assert list(match_many(subjects, processes=1)) == expected
    assert list(match_many(subjects, processes=2, chunk_size=3)) == expected
