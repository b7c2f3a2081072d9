"""`rekisteri screening load|run|hits`: what the operator sees."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rekisteri.screening.models import PersonHit
from rekisteri.screening.tests.conftest import COMPANY, ENTRY, PERSON, write_list

pytestmark = pytest.mark.django_db


def _call(*args: str) -> str:
    out = StringIO()
    call_command("screening", *args, stdout=out)
    return out.getvalue()


def test_load_run_and_hits(tmp_path, make_person):
    person = make_person(**PERSON)
    path = write_list(tmp_path / "list.ftm.json", ENTRY, COMPANY)
    loaded = _call("load", str(path), "--format", "ftm", "--name", "Test list")
    assert "Test list" in loaded and "current" in loaded

    ran = _call("run")
    assert "1 new hits" in ran or "new hits" in ran
    assert PersonHit.objects.filter(person=person).exists()
    assert "No list changed" in _call("run")
    assert "Screened" in _call("run", "--all")

    listed = _call("hits")
    assert "Veikko Tarvaskoski" in listed and "Veikko Ilmari Tarvaskoski" in listed
    assert "Birth date" in listed
    rows = json.loads(_call("hits", "--json"))
    assert [r["subject_id"] for r in rows] == [person.pk]
    assert rows[0]["entity_key"] == ENTRY["id"]
    assert rows[0]["reasons"]


def test_a_bad_file_loads_nothing_and_says_where(tmp_path, catalogue):
    path = tmp_path / "bad.ftm.json"
    path.write_text(json.dumps(ENTRY) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        _call("load", str(path), "--format", "ftm")
    assert "2" in str(exc.value)  # the line
    assert "No open hits." in _call("hits")


def test_an_unknown_format_names_the_supported_ones(tmp_path, catalogue):
    path = write_list(tmp_path / "list.ftm.json", ENTRY)
    with pytest.raises(CommandError) as exc:
        _call("load", str(path), "--format", "csv")
    assert "ftm" in str(exc.value)


def test_a_missing_file_is_named(tmp_path, catalogue):
    with pytest.raises(CommandError) as exc:
        _call("load", str(tmp_path / "nope.json"))
    assert "nope.json" in str(exc.value)
