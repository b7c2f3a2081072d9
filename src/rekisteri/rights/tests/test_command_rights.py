"""`rekisteri rights …` calls the same services as the UI."""

from __future__ import annotations

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rekisteri.register.models import Person

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("rights", *args, stdout=out)
    return out.getvalue()


def test_access_writes_the_zip(make_person, tmp_path, settings):
    settings.PACKAGES_DIR = tmp_path / "p"
    make_person(first_name="Kalle", email="kalle@example.fi")
    out = tmp_path / "kalle.zip"
    _run("access", "--email", "kalle@example.fi", "--out", str(out))
    with zipfile.ZipFile(out) as zf:
        assert "Kalle" in zf.read("data.json").decode()


def test_erasure_plan_then_execute(make_person):
    person = make_person(email="pois@example.fi")
    plan = json.loads(_run("erasure", "--email", "pois@example.fi", "--plan"))
    assert f"register.Person:{person.pk}" in {i["record"] for i in plan["delete"]}
    assert Person.objects.filter(pk=person.pk).exists()
    _run("erasure", "--email", "pois@example.fi", "--execute")
    assert not Person.objects.filter(pk=person.pk).exists()


def test_restriction_rectification_objection(make_person):
    person = make_person(email="r@example.fi")
    _run("restriction", "--email", "r@example.fi", "--ground", "accuracy contested")
    person.refresh_from_db()
    assert person.restricted_since is not None
    _run("restriction", "--email", "r@example.fi", "--lift")
    _run("rectification", "--email", "r@example.fi", "first_name=Riikka")
    person.refresh_from_db()
    assert person.first_name == "Riikka" and person.restricted_since is None
    assert "stopped" in _run("objection", "--email", "r@example.fi")


def test_unknown_email_is_a_clear_error(catalogue):
    with pytest.raises(CommandError, match="no person record"):
        _run("erasure", "--email", "nobody@example.fi", "--plan")
