import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rekisteri.audit.services import Actor
from rekisteri.catalogue.schema import CatalogueError
from rekisteri.catalogue.services import catalogue_load
from rekisteri.notice import texts
from rekisteri.notice.content import notice_content, notice_problems
from rekisteri.notice.models import NoticeVersion
from rekisteri.notice.render import notice_document, to_html, to_markdown
from rekisteri.notice.selectors import notice_html, persons_to_notify
from rekisteri.testing.fixtures import DEMO_CATALOGUE


def demo_text() -> str:
    return DEMO_CATALOGUE.read_text(encoding="utf-8")


def render(lang: str, text: str | None = None) -> str:
    content = notice_content(text or demo_text())
    return to_markdown(notice_document(content, lang, published=dt.date(2026, 11, 1), number=1))


# What each language must say for every Art. 13/14 item: the headings name them.
ITEMS = {
    "fi": [
        "Kuka vastaa",
        "Tietosuojavastaava",
        "Miksi käsittelemme",
        "Mitä tietoja",
        "Mistä tiedot",
        "pakollista",
        "Kenelle tietoja",
        "ETA:n ulkopuolelle",
        "Kuinka kauan",
        "Sinun oikeutesi",
        "Oikeus valittaa",
        "Profilointi",
    ],
    "sv": [
        "Vem ansvarar",
        "Dataskyddsombud",
        "Varför vi behandlar",
        "Vilka uppgifter",
        "Var uppgifterna",
        "Måste du",
        "Vem som får",
        "utanför EU och EES",
        "Hur länge",
        "Dina rättigheter",
        "Rätt att klaga",
        "Profilering",
    ],
    "en": [
        "Who is responsible",
        "Data protection officer",
        "Why we process",
        "What data we process",
        "Where the data comes from",
        "Do you have to give",
        "Who receives",
        "outside the EU and EEA",
        "How long",
        "Your rights",
        "Right to complain",
        "Profiling",
    ],
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_demo_notice_has_every_art_13_and_14_item_in_each_language(lang):
    text = render(lang)
    for heading in ITEMS[lang]:
        assert heading in text, heading
    # controller and DPO contact, the legitimate interest, a public source, a processor by
    # function, the US transfer and its safeguard, a period, each authority, profiling
    assert "Esimerkki Oy" in text and "tietosuoja@esimerkki.example" in text
    assert "dataskydd@exempel.example" in text
    assert texts.LEGAL_BASIS["legitimate_interest"][lang] in text
    assert {"fi": "Kaupparekisteri", "sv": "Handelsregistret", "en": "Trade registers"}[
        lang
    ] in text
    assert "(US)" in text and "Data Privacy Framework" in text
    assert {"fi": "3 kuukautta", "sv": "3 månader", "en": "3 months"}[lang] in text
    assert "https://tietosuoja.fi" in text and "https://www.imy.se" in text
    assert {"fi": "Asiakasprofiilit", "sv": "Kundprofiler", "en": "Customer profiles"}[lang] in text
    # no purpose of the demo rests on consent: no sentence on withdrawing it
    assert texts.T[lang]["right_withdraw"][:20] not in text
    assert texts.T[lang]["right_automated"][:20] in text


def test_every_fixed_text_exists_in_every_language():
    for table in (
        texts.LEGAL_BASIS,
        texts.REQUIRED_DEFAULT,
        texts.SOURCE_KIND,
        texts.RECIPIENT_KIND,
        texts.FUNCTION,
        texts.SUBJECTS,
        texts.ANCHOR,
        texts.ACTION,
        texts.SECTION,
        texts.CHANGE,
        texts.BUSINESS_ID,
    ):
        for key, value in table.items():
            assert set(value) == set(texts.LANGS), key
    assert set(texts.T["fi"]) == set(texts.T["sv"]) == set(texts.T["en"])


def test_catalogue_values_are_escaped_in_html():
    text = demo_text().replace('en = "Basic details"', 'en = "<script>x</script>"')
    html = to_html(
        notice_document(notice_content(text), "en", published=dt.date(2026, 1, 1), number=1)
    )
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a text the notice prints without Swedish
        ('sv = "Kund- och intressentregister", ', "", "register.name"),
        # a purpose's description in one language only
        (
            'description = { fi = "Kirjanpitolaki (1336/1997) 2:10 §; bokföringslagen (1999:1078) 7 kap.", sv',
            'description = { fi = "Kirjanpitolaki", xx',
            "purposes.finance.description",
        ),
        # a controller in a country with no supervisory authority named
        ('country = "SE"\nstreet', 'country = "DK"\nstreet', "authorities.DK"),
        # a kind of data subject nobody has worded
        ('"event attendees"]', '"event attendees", "robots"]', "robots"),
    ],
)
def test_notice_check_names_what_the_catalogue_lacks(old, new, expected):
    text = demo_text()
    assert old in text
    problems = notice_problems(text.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_purpose_without_legal_basis_and_recipient_without_country_fail_the_check():
    text = demo_text()
    text = text.replace(
        'legal_basis = "contract"\ncategories = ["basic", "contact", "organisation_link", "billing", "communications"]',
        'categories = ["basic", "contact", "organisation_link", "billing", "communications"]',
    )
    text = text.replace('function = "logistics"\ncountry = "FI"\n', 'function = "logistics"\n')
    problems = " ".join(notice_problems(text))
    assert "legal_basis" in problems and "purposes[1]" in problems
    assert "country" in problems and "recipients[4]" in problems


def test_demo_catalogue_passes_the_notice_check():
    assert notice_problems(demo_text()) == []


def test_loading_a_catalogue_the_notice_cannot_be_written_from_is_refused(db):
    with pytest.raises(CatalogueError) as exc:
        catalogue_load(
            text=demo_text().replace('country = "SE"\nstreet', 'country = "DK"\nstreet'),
            source_name="x",
            actor=Actor("t"),
        )
    assert "authorities.DK" in str(exc.value)
    assert not NoticeVersion.objects.exists()


def test_loading_the_catalogue_publishes_version_one(catalogue):
    v = NoticeVersion.objects.get()
    assert v.number == 1 and v.changes == []
    assert "Tietosuojaseloste" in v.html["fi"] and "Integritetspolicy" in v.html["sv"]
    assert notice_html(lang="en").startswith('<article class="privacy-notice">')


def test_changing_a_retention_period_makes_a_new_dated_version_naming_the_change(catalogue):
    catalogue_load(
        text=demo_text().replace('period = "3 months"', 'period = "4 months"', 1),
        source_name="b",
        actor=Actor("t"),
    )
    v = NoticeVersion.objects.order_by("-number").first()
    assert v.number == 2 and v.published_at is not None
    from rekisteri.notice.content import change_text

    lines = [change_text(c, "en") for c in v.changes]
    assert lines == ["retention chat-3-months: 3 months → 4 months"]
    assert "chat-3-months: 3 kuukautta → 4 kuukautta" in v.html["fi"]
    assert "customer_management" in v.changed_purposes


def test_a_change_outside_the_notice_makes_no_new_version(catalogue):
    # roles are not in the notice
    catalogue_load(
        text=demo_text().replace(
            'name = { fi = "Myynti", sv = "Försäljning", en = "Sales" }',
            'name = { fi = "Myyjät", sv = "Försäljning", en = "Sales" }',
        ),
        source_name="b",
        actor=Actor("t"),
    )
    assert NoticeVersion.objects.count() == 1


def test_purpose_changes_list_added_categories_and_basis(catalogue):
    text = demo_text().replace(
        'categories = ["basic", "contact", "organisation_link", "events"]\nsources = ["data_subject"]',
        'categories = ["basic", "contact", "organisation_link", "events", "web_visits"]\nsources = ["data_subject"]',
    )
    catalogue_load(text=text, source_name="b", actor=Actor("t"))
    from rekisteri.notice.content import change_text

    v = NoticeVersion.objects.order_by("-number").first()
    assert [change_text(c, "en") for c in v.changes] == [
        "purpose events: categories added web_visits"
    ]
    assert v.changed_purposes == ["events"]


def _consent(person, purpose):
    from django.utils import timezone

    from rekisteri.consent.models import Consent

    return Consent.objects.create(
        person=person,
        purpose=purpose,
        channel="email",
        state="granted",
        method="web_form",
        at=timezone.now(),
        recorded_by="t",
    )


def _change_tracking_retention():
    text = demo_text().replace(
        'period = "1 year"\naction = "anonymise"', 'period = "2 years"\naction = "anonymise"', 1
    )  # tracking-1-year
    catalogue_load(text=text, source_name="b", actor=Actor("t"))
    return NoticeVersion.objects.order_by("-number").first()


def test_people_whose_consent_rests_on_a_changed_purpose_are_listed(catalogue, make_person):
    a, b = make_person(), make_person()
    _consent(a, "direct_marketing")
    _consent(b, "tracking")
    v = _change_tracking_retention()
    assert "direct_marketing" in v.changed_purposes
    assert [p["person_id"] for p in persons_to_notify(version=v)] == [a.pk]


def test_public_page_shows_date_languages_and_earlier_versions(client, catalogue):
    catalogue_load(
        text=demo_text().replace('period = "3 months"', 'period = "4 months"', 1),
        source_name="b",
        actor=Actor("t"),
    )
    page = client.get("/privacy/?lang=sv").content.decode()
    assert "Integritetspolicy" in page and "Uppdaterad" in page and "(version 2)" in page
    assert "/privacy/versions/1/" in page
    old = client.get("/privacy/versions/1/?lang=en").content.decode()
    assert "3 months from when the data was recorded" in old
    assert "notice-old" in old  # the "earlier version" note, in the UI language


def test_public_page_works_without_login(client, catalogue):
    resp = client.get("/privacy/")
    assert resp.status_code == 200 and b"Tietosuojaseloste" in resp.content


def test_notice_render_command_prints_each_language_and_format(catalogue):
    out = io.StringIO()
    call_command("notice", "render", "--lang", "sv", "--format", "md", stdout=out)
    assert out.getvalue().startswith("# Integritetspolicy")
    out = io.StringIO()
    call_command("notice", "render", "--lang", "en", "--format", "html", stdout=out)
    assert "<h2>Your rights</h2>" in out.getvalue()


def test_notice_check_command_fails_naming_the_problem(tmp_path, db):
    path = tmp_path / "c.toml"
    path.write_text(
        demo_text().replace('country = "SE"\nstreet', 'country = "DK"\nstreet'), encoding="utf-8"
    )
    with pytest.raises(CommandError) as exc:
        call_command("notice", "check", str(path))
    assert "authorities.DK" in str(exc.value)


def test_dpo_sees_versions_and_sales_does_not(client, staff):
    client.force_login(staff["dpo"])
    assert client.get("/staff/notice/").status_code == 200
    client.force_login(staff["sales"])
    assert client.get("/staff/notice/").status_code == 403


def test_a_published_version_read_back_is_the_version_the_catalogue_makes(catalogue):
    """What is stored (JSON) is what the catalogue says: reading a version back gives the
    same digest, so loading the same catalogue again publishes no new version, and the
    stored notice renders the same text as the one published."""
    from rekisteri.notice.content import content_digest, notice_content

    v = NoticeVersion.objects.get()
    stored = NoticeVersion.objects.get(pk=v.pk).content
    assert content_digest(stored) == v.digest
    assert content_digest(notice_content(demo_text())) == v.digest
    catalogue_load(text=demo_text(), source_name="again", actor=Actor("t"))
    assert NoticeVersion.objects.count() == 1
    assert notice_html(lang="fi") == v.html["fi"]


def test_the_dpo_is_told_whom_of_their_own_company_to_tell_in_purpose_names(
    client, staff, catalogue, make_person, se_controller
):
    finnish = make_person()
    swedish = make_person(controller=se_controller)
    _consent(finnish, "direct_marketing")
    _consent(swedish, "direct_marketing")
    v = _change_tracking_retention()
    client.force_login(staff["dpo"])
    page = client.get(f"/staff/notice/versions/{v.number}/notify/", HTTP_ACCEPT_LANGUAGE="en")
    assert [p["person_id"] for p in page.context["persons"]] == [finnish.pk]
    html = page.content.decode()
    assert catalogue.purposes["direct_marketing"].name["en"] in html
    assert "direct_marketing" not in html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_legal_basis_is_printed_with_what_it_applies_to_and_its_balancing_test(lang):
    text = render(lang)
    applies = {
        "fi": "(potentiaaliset asiakkaat)",
        "sv": "(potentiella kunder)",
        "en": "(prospective customers)",
    }
    assert applies[lang] in text
    assert texts.LEGAL_BASIS["contract"][lang] in text
    assert f"{texts.T[lang]['balancing_test'].capitalize()}: LIA-2026-01" in text
    # user administration works on no register data: not in the notice
    names = {
        "fi": "Käyttäjien ja järjestelmän ylläpito",
        "sv": "Administration av användare och systemet",
        "en": "Administering users and the system",
    }
    assert names[lang] in demo_text() and names[lang] not in text


def test_the_notice_date_is_the_catalogues_effective_date_not_the_load_date():
    content = notice_content(demo_text())
    doc = notice_document(content, "fi", published=dt.date(2030, 5, 5), number=3)
    assert "Päivitetty 1.11.2026 (versio 3)" in to_markdown(doc)


def test_custom_sections_are_printed_and_a_changed_one_is_in_the_change_log(catalogue):
    text = render("en")
    assert "## Cookies and analytics" in text and "## Limits of the right of access" in text
    assert "## Service messages after an opt-out" in text
    catalogue_load(
        text=demo_text().replace(
            'en = "Cookies and analytics" }, body = { fi = "',
            'en = "Cookies and analytics" }, body = { fi = "Uutta. ',
        ),
        source_name="b",
        actor=Actor("t"),
    )
    from rekisteri.notice.content import change_text

    v = NoticeVersion.objects.order_by("-number").first()
    assert v.number == 2
    assert [change_text(c, "en") for c in v.changes] == ["notice: Cookies and analytics: changed"]


def _without_dpo(text: str) -> str:
    import re

    return re.sub(r"^dpo_(name|email|address) = .*\n", "", text, flags=re.M)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_without_a_dpo_the_notice_points_to_the_controllers_contact(lang):
    text = render(lang, _without_dpo(demo_text()))
    assert f"## {texts.T[lang]['h_dpo']}" not in text
    assert texts.T[lang]["dpo_none"] in text
    assert texts.T[lang]["rights_how_no_dpo"][:30] in text
    with_dpo = render(lang)
    assert f"## {texts.T[lang]['h_dpo']}" in with_dpo
    assert texts.T[lang]["dpo_none"] not in with_dpo


def test_the_consent_withdrawal_sentence_only_when_a_purpose_rests_on_consent():
    assert texts.T["en"]["right_withdraw"] not in render("en")
    consent = demo_text().replace('legal_basis = "contract"', 'legal_basis = "consent"', 1)
    assert texts.T["en"]["right_withdraw"] in render("en", consent)


def test_a_controller_without_business_id_gets_no_label():
    import re

    text = re.sub(r"^business_id = .*\n", "", demo_text(), count=1, flags=re.M)
    out = render("fi", text)
    assert "Y-tunnus )" not in out and "(Y-tunnus" in render("fi")
    assert out.count("(Y-tunnus") == render("fi").count("(Y-tunnus") - 1


def test_the_public_version_list_dates_each_version_with_its_effective_date(client, catalogue):
    page = client.get("/privacy/?lang=en").content.decode()
    assert '<time datetime="2026-11-01">' in page


def test_the_dpo_sees_changed_purposes_by_name(client, staff, catalogue):
    catalogue_load(
        text=demo_text().replace('period = "3 months"', 'period = "4 months"', 1),
        source_name="b",
        actor=Actor("t"),
    )
    client.force_login(staff["dpo"])
    page = client.get("/staff/notice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Providing services and managing customers" in page
    assert "customer_management</a>" not in page
