"""The five seed notices written as catalogues: the notice Rekisteri writes from each states
everything the catalogue states, in fi, sv and en, and nothing it does not.

The expected texts come from the typed catalogue itself (so a catalogue change cannot make
the test pass by accident), and for each seed a handful of facts are quoted from the seed
notice (/work/shared/seeds), so that the catalogue and the notice both still say them.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from rekisteri.audit.services import Actor
from rekisteri.catalogue.schema import parse_catalogue
from rekisteri.catalogue.selectors import Snapshot, catalogue_snapshot
from rekisteri.catalogue.services import catalogue_load
from rekisteri.catalogue.tests.seeds import SEEDS
from rekisteri.notice import texts
from rekisteri.notice.content import _period_text
from rekisteri.notice.render import format_date
from rekisteri.notice.selectors import notice_markdown
from rekisteri.testing.fixtures import DEMO_CATALOGUE

LANGS = ("fi", "sv", "en")


def load(name: str) -> Snapshot:
    catalogue_load(
        text=SEEDS[name].read_text(encoding="utf-8"), source_name=name, actor=Actor("test")
    )
    return catalogue_snapshot()


def sentence(text: str) -> str:
    """A catalogue text as the notice may end it: without its final full stop."""
    return text.strip().rstrip(".")


def stated(snap: Snapshot, lang: str) -> list[str]:
    """Every text of the catalogue the notice must print in `lang`."""
    out: list[str] = []
    for p in snap.purposes.values():
        if not p.in_notice:
            continue
        out.append(p.name[lang])
        for e in p.legal_bases:
            out.append(texts.LEGAL_BASIS[e.basis][lang])
            if e.applies_to:
                out.append(e.applies_to[lang])
            if e.interest:
                out.append(e.interest[lang])
            if e.balancing_test:
                out.append(e.balancing_test)
        if p.description:
            out.append(p.description[lang])
        if p.required:
            out.append(p.required[lang])
    for c in snap.categories.values():
        out.append(c.name[lang])
        if c.description:
            out.append(c.description[lang])
    for s in snap.sources.values():
        out.append(s.name[lang])
        if s.description:
            out.append(s.description[lang])
    for r in snap.recipients.values():
        out.append(r.name[lang])
        if r.description:
            out.append(sentence(r.description[lang]))
        out += [texts.FUNCTION[f][lang] for f in r.functions]
        if r.outside_eea:
            out.append(r.safeguard[lang])
        if r.country == "unknown":
            out.append(texts.T[lang]["country_unknown"])
    if snap.notice.transfers:
        out.append(snap.notice.transfers[lang])
    for rules in snap.retention.values():
        for rule in rules:
            if rule.description:
                out.append(sentence(rule.description[lang]))
            if not rule.combine and rule.anchor != "needed" and not rule.period.is_zero:
                out.append(_period_text(rule.period.model_dump(), lang))
            out += [c.text[lang] for c in rule.conditions]
            if rule.legal_reference:
                out.append(rule.law(lang))
    for section in snap.notice.sections:
        out.append(section.title[lang])
        out += [p.strip() for p in section.body[lang].split("\n\n") if p.strip()]
    for m in snap.security:
        out.append(m[lang])
    for c in snap.controllers.values():
        out.append(c.name)
        if c.business_id:
            out.append(c.business_id)
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_notice_states_everything_its_catalogue_states(name, lang, db):
    snap = load(name)
    text = notice_markdown(lang=lang)
    missing = [t for t in stated(snap, lang) if t not in text]
    assert not missing, missing
    if snap.notice.effective_date:
        assert format_date(snap.notice.effective_date, lang) in text.split("\n\n")[1]
    if not any(r.outside_eea for r in snap.recipients.values()):
        assert texts.T[lang]["transfers_intro"] not in text
    if snap.notice.transfers:
        assert texts.T[lang]["no_transfers"] not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_notice_states_no_processing_its_catalogue_does_not(name, lang, db):
    snap = load(name)
    text = notice_markdown(lang=lang)
    source = SEEDS[name].read_text(encoding="utf-8")
    # Categories and purposes of another catalogue (the demo's), not stated in this one
    demo = parse_catalogue(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    foreign = [
        x.name[lang]
        for x in (*demo.categories, *demo.purposes)
        if x.name[lang] not in source and len(x.name[lang]) > 8
    ]
    assert foreign
    assert not [n for n in foreign if n in text]
    # purposes on no register data are not in the notice
    for p in snap.purposes.values():
        if not p.in_notice:
            assert p.name[lang] not in text
    # no DPO section without a DPO; the controller's contact instead
    if not any(c.has_dpo for c in snap.controllers.values()):
        assert f"## {texts.T[lang]['h_dpo']}" not in text
        assert texts.T[lang]["dpo_none"] in text
    # no consent withdrawal without a purpose resting on consent
    if not any("consent" in p.bases for p in snap.purposes.values() if p.in_notice):
        assert texts.T[lang]["right_withdraw"][:25] not in text
    else:
        assert texts.T[lang]["right_withdraw"][:25] in text
    # no business ID label for a controller that states none
    for c in snap.controllers.values():
        if not c.business_id:
            label = texts.BUSINESS_ID[c.country][lang]
            assert f"{c.name} ({label}" not in text


#: Facts quoted from each seed notice (its own language), which its notice must state.
SEED_FACTS: dict[str, tuple[str, list[str]]] = {
    "jesoy": (
        "fi",
        [
            "Jesoy Oy, Sienitie 18 B, 00760 Helsinki",
            "Päivitetty 22.1.2019",
            "kymmenen seuraavaa kalenterivuotta tuotteiden tai palvelun laskuttamisvuoden jälkeen",
            "Lukuumme toimivat alihankkijat",
            "markkinointi",
            "logistiikka",
            "Käytämme sivustoillamme kävijätietojen analysointiin Google Analyticsia.",
            "kirjallisesti asiakaspalveluumme",
        ],
    ),
    "vastuu": (
        "fi",
        [
            "Vastuu Group Oy (Y-tunnus 2327327-1)",
            "Päivitetty 18.11.2019",
            "Chat-keskustelut: 3 kuukautta",
            "Puhelutallenteet: 7 kuukautta",
            "niin kauan kuin olet asiakkaan yhteyshenkilö tai niin kauan kuin säilytämme "
            "asiakkaan käyttämän palvelun historiatietoja",
            "Alihankkijat sekä kolmansien osapuolien tietojärjestelmät ja pilvipalvelut",
            "tuntematon, mahdollisesti EU:n tai ETA:n ulkopuolella",
        ],
    ),
    "ideafix": (
        "fi",
        [
            "Ideafix Oy (Y-tunnus 0834973-3)",
            "Kinkerips Oy",
            "ICT-palveluntarjoajat ja -toimittajat",
            "Emme siirrä tai luovuta henkilötietoja Euroopan unionin tai Euroopan "
            "talousalueen ulkopuolelle ilman oikeudellisia perusteita.",
        ],
    ),
    "accountor_fi": (
        "fi",
        [
            "Päivitetty 24.1.2019",
            "Viranomaiset, esimerkiksi veroviranomainen",
            "Kaupparekisteri ja Yritystietojärjestelmä",
            texts.T["fi"]["right_withdraw"][:30],
        ],
    ),
    "accountor_se": (
        "sv",
        [
            "Uppdaterad 2024-05-20",
            "Myndigheter, t.ex. skattemyndigheten",
            "Integritetsskyddsmyndigheten (IMY)",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_notice_says_what_the_seed_says(name, db):
    load(name)
    lang, facts = SEED_FACTS[name]
    text = notice_markdown(lang=lang)
    missing = [f for f in facts if f not in text]
    assert not missing, missing


FINNISH_LAW = re.compile(
    r"kirjanpitolag|kirjanpitolaki|1336/1997|vanhentumislaki|728/2003|preskriptionslagen "
    r"\(2003|rahanpesulaki|444/2017|tietoyhteiskuntakaari|917/2014|Y-tunnus|FO-nummer",
    re.IGNORECASE,
)


@pytest.mark.parametrize("lang", LANGS)
def test_a_swedish_controllers_notice_cites_no_finnish_law(lang, db):
    load("accountor_se")
    text = notice_markdown(lang=lang)
    assert not FINNISH_LAW.findall(text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_swedish_controllers_notice_cites_the_swedish_laws_its_catalogue_names(lang, db):
    doc = tomllib.loads(SEEDS["accountor_se"].read_text(encoding="utf-8"))
    source = SEEDS["accountor_se"].read_text(encoding="utf-8")
    source = source.replace(
        'code = "billing-as-needed"\ncategory = "billing"\nanchor = "needed"',
        'code = "billing-7-years"\ncategory = "billing"\nanchor = "billing_year_end"\n'
        'period = "7 years"\nlegal_reference = "bokföringslagen (1999:1078) 7 kap. 2 §"',
    )
    assert source != SEEDS["accountor_se"].read_text(encoding="utf-8") and doc
    catalogue_load(text=source, source_name="accountor_se", actor=Actor("test"))
    text = notice_markdown(lang=lang)
    assert "bokföringslagen (1999:1078) 7 kap. 2 §" in text
    assert {"fi": "7 vuotta", "sv": "7 år", "en": "7 years"}[lang] in text
    assert not FINNISH_LAW.findall(text)
