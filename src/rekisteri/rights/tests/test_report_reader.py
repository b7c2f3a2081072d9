"""The access report (report.html) as the person reads it: their words, each fact once."""

from __future__ import annotations

import html as html_lib
import re
import zipfile

import pytest

from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.common.personal import mapped_fields, personal_models
from rekisteri.rights.packages import access_package_build
from rekisteri.rights.tests.rows import fill_every_model

pytestmark = pytest.mark.django_db

#: the report's "made on" date in each language's format
MADE_ON = {
    "fi": r"\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}\b",
    "sv": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b",
    "en": r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\b",
}


def _visible(page: str) -> str:
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def report(make_person, actor, settings, tmp_path, dpo):
    settings.PACKAGES_DIR = tmp_path
    person = make_person(first_name="Aino", last_name="Välilyönti")
    fill_every_model(person)

    def build(lang: str) -> str:
        path = access_package_build(scope=dpo, actor=actor, person_ids=[person.pk], lang=lang)
        with zipfile.ZipFile(path) as zf:
            return zf.read("report.html").decode()

    return build


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_report_shows_no_codes_field_names_or_machine_dates(report, lang):
    page = report(lang)
    text = _visible(page)
    assert "Välilyönti" in text
    assert not re.search(r"\b[a-z]+\.[A-Z][A-Za-z]+:\d+", text), "a record key"
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", text), "an ISO timestamp"
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", text), "microseconds"
    snap = catalogue_snapshot()
    codes = {*snap.purposes, *snap.recipients, *snap.categories, *snap.sources}
    codes |= {"legitimate_interest", "legal_obligation", "data_subject"}
    typed = re.sub(r"\S*zq\S*", " ", text)  # values the test wrote name their field
    words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", typed))
    field_names = {f.name for m in personal_models() for f in mapped_fields(m) if "_" in f.name}
    assert not words & (codes | field_names), words & (codes | field_names)
    # internal helpers are not shown as data: the search key, the identity code's hash
    assert "välilyönti aino" not in text
    assert re.search(MADE_ON[lang], text), text[:300]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_purpose_and_recipient_is_said_once(report, lang):
    page = report(lang)
    snap = catalogue_snapshot()
    text = _visible(page)
    shown = 0
    for p in snap.purposes.values():
        description = p.description.get(lang)
        if description and description in text:
            shown += 1
            assert text.count(description) == 1, p.code
    assert shown >= 3
    named = 0
    for r in snap.recipients.values():
        name = html_lib.escape(r.name[lang], quote=False)
        if f"<dt>{name}</dt>" in page:
            named += 1
            assert page.count(f"<dt>{name}</dt>") == 1, r.code
    assert named >= 1
    # retention is said once per category, not on every row
    assert page.count('class="kept"') == page.count('class="category"')


def test_the_report_is_in_the_persons_language(report):
    fi, sv = _visible(report("fi")), _visible(report("sv"))
    assert "Henkilötietosi" in fi and "Miksi käytämme niitä" in fi
    assert "Dina personuppgifter" in sv
    # numbers in the language's format too (the test's time entry is 12.50 hours)
    assert "12,50" in fi and "12,50" in sv
    for english in ("What we hold about you", "Who receives it", "Legal basis", "your consent"):
        assert english not in fi and english not in sv


def test_the_report_fits_a_phone_and_prints(report):
    page = report("en")
    assert 'name="viewport"' in page
    assert "@media print" in page and "@media (max-width:30rem)" in page
