"""The access package covers every model and field of the field map, found generically."""

from __future__ import annotations

import json
import zipfile

import pytest

from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.personal import mapped_fields, personal_models
from rekisteri.rights.report import INTERNAL_FIELDS
from rekisteri.rights.selectors import personal_data_collect
from rekisteri.rights.services import access_package_build
from rekisteri.rights.tests.rows import fill_every_model

pytestmark = pytest.mark.django_db


def test_every_personal_data_model_is_filled_by_the_test(make_person):
    person = make_person()
    rows = fill_every_model(person)
    # A model added later that this test cannot fill fails here, by name.
    assert set(rows) == set(personal_models())


def test_collect_finds_every_mapped_field_of_every_model(make_person, actor):
    person = make_person()
    fill_every_model(person)
    items = personal_data_collect(person_ids=[person.pk])
    found = {(i["model"], i["field"]) for i in items}
    expected = {(m._meta.label, f.name) for m in personal_models() for f in mapped_fields(m)}
    assert expected - found == set()
    assert {i["person_id"] for i in items} == {person.pk}


def test_access_package_contains_every_mapped_field(make_person, actor, settings, tmp_path, dpo):
    settings.PACKAGES_DIR = tmp_path
    person = make_person(first_name="Aino", last_name="Pakettinen", email="aino@example.fi")
    fill_every_model(person)
    path = access_package_build(scope=dpo, actor=actor, person_ids=[person.pk], lang="fi")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        doc = json.loads(zf.read("data.json"))
        html = zf.read("report.html").decode()
        csv_text = zf.read("data.csv").decode()
    assert {"report.html", "data.json", "data.csv", "access_log.csv", "disclosures.csv"} <= names
    mapped = [(m._meta.label, f) for m in personal_models() for f in mapped_fields(m)]
    # a category a law exempts from access (the AML investigation data) is withheld
    exempt = set(catalogue_snapshot().access_exemptions)
    expected = {(label, f.name) for label, f in mapped if f.category not in exempt}
    withheld = {(label, f.name) for label, f in mapped if f.category in exempt}
    assert withheld, "the demo catalogue exempts a category"
    assert expected <= {(i["model"], i["field"]) for i in doc["items"]}
    assert not withheld & {(i["model"], i["field"]) for i in doc["items"]}
    first = next(i for i in doc["items"] if i["field"] == "first_name")
    assert first["value"] == "Aino"
    assert first["category"] == "basic"
    assert "customer_management" in [p["code"] for p in first["purposes"]]
    assert "contract" in first["legal_bases"]
    assert first["source"]["kind"] == "data_subject"
    assert first["recipients"], "the purposes' recipients are listed"
    assert "retention_end" in first
    assert "Aino" in html and "Perustiedot" in html  # Finnish category names
    assert "aino@example.fi" in csv_text
    code = next(
        i
        for i in doc["items"]
        if i["model"] == "register.IdentityCode" and i["field"] == "encrypted"
    )
    assert code["value"] == "131052-308T"


def test_collect_never_returns_rows_of_other_persons(make_person):
    me = make_person(first_name="Minä")
    other = make_person(first_name="Toinen", email="toinen@example.fi")
    fill_every_model(other)
    items = personal_data_collect(person_ids=[me.pk])
    assert {i["person_id"] for i in items} == {me.pk}
    assert "toinen@example.fi" not in json.dumps([i["value"] for i in items], default=str)


def test_collect_is_one_query_per_model(make_person, django_assert_max_num_queries):
    person = make_person()
    fill_every_model(person)
    models_with_fields = [m for m in personal_models() if mapped_fields(m)]
    with django_assert_max_num_queries(len(models_with_fields)):
        personal_data_collect(person_ids=[person.pk])


def test_plan_row_ids_in_one_statement_match_the_per_model_queries(make_person):
    from rekisteri.rights.selectors import subject_row_ids, subject_row_ids_many

    person = make_person()
    other = make_person(first_name="Toinen")
    fill_every_model(person)
    fill_every_model(other)
    models = list(personal_models())
    many = subject_row_ids_many(models, person.pk)
    assert many == {m: subject_row_ids(m, [person.pk]) for m in models}
    assert sum(len(v) for v in many.values()) >= len(models) - 1  # the person's own rows
    assert not set(many[type(person)]) & {other.pk}


def test_report_rows_escape_values_and_show_every_item(make_person, actor, settings, tmp_path, dpo):
    settings.PACKAGES_DIR = tmp_path
    person = make_person(first_name="<b>Aino</b>", last_name="Tagi & Co")
    path = access_package_build(scope=dpo, actor=actor, person_ids=[person.pk], lang="en")
    with zipfile.ZipFile(path) as zf:
        html = zf.read("report.html").decode()
        doc = json.loads(zf.read("data.json"))
    assert "<b>Aino</b>" not in html
    assert "&lt;b&gt;Aino&lt;/b&gt;" in html and "Tagi &amp; Co" in html
    shown = [
        i
        for i in doc["items"]
        if i["value"] not in (None, "") and (i["model"], i["field"]) not in INTERNAL_FIELDS
    ]
    assert html.count('<th scope="row">') == len(shown)


def test_collected_rows_are_those_of_the_per_model_queries_with_the_same_values(make_person):
    """On PostgreSQL the queries go in one pipeline; the rows and their converted values
    (dates, decimals, decrypted fields) must be exactly what the one-by-one queries give."""
    from rekisteri.rights.selectors import _subject_rows, _subject_rows_many

    person = make_person()
    other = make_person(first_name="Toinen")
    fill_every_model(person)
    fill_every_model(other)
    jobs = [(m, [f.name for f in mapped_fields(m)]) for m in personal_models()]
    jobs = [(m, names) for m, names in jobs if names]
    many = _subject_rows_many(jobs, [person.pk])
    one_by_one = {m: _subject_rows(m, names, [person.pk]) for m, names in jobs}
    assert many == one_by_one
    assert all(many[m] for m, _ in jobs if m is not type(person))  # every model has a row
