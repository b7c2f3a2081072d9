"""Writes the labelled pairs the matcher is measured on (pairs.jsonl beside this file).

    python -m rekisteri.watchlists.quality.generate

Each line is a register subject, a list entry and whether they are the same (`match`),
in one of the categories issue 15 names. The entries are made-up combinations of common
names, never a downloaded list. The set is written once and committed: the matcher is
tuned against it, and a change to the set shows in the diff.

What "must not match" means here: two different names, i.e. names that are neither one
typo apart nor spelt the same by a phonetic code (Anna / Anne, Karlsson / Carlsson are the
same name for a screening, which then needs the birth date to tell the persons apart).
Such pairs are left out of the negative categories, not labelled either way.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("pairs.jsonl")

FI_FIRST = [
    "Matti",
    "Mikko",
    "Juha",
    "Timo",
    "Jari",
    "Kari",
    "Antti",
    "Jukka",
    "Markku",
    "Pekka",
    "Tuomas",
    "Ville",
    "Heikki",
    "Janne",
    "Sami",
    "Petri",
    "Juho",
    "Lauri",
    "Eero",
    "Ilkka",
    "Anna",
    "Maria",
    "Tuula",
    "Ritva",
    "Päivi",
    "Leena",
    "Sari",
    "Minna",
    "Tiina",
    "Riitta",
    "Marja",
    "Johanna",
    "Satu",
    "Elina",
    "Hanna",
    "Kaisa",
    "Aino",
    "Helmi",
    "Sirpa",
    "Pirjo",
]
FI_LAST = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
    "Leinonen",
    "Hiltunen",
    "Kettunen",
    "Miettinen",
    "Pesonen",
    "Väisänen",
]
SV_FIRST = [
    "Lars",
    "Anders",
    "Johan",
    "Karl",
    "Per",
    "Erik",
    "Nils",
    "Jan",
    "Mikael",
    "Hans",
    "Peter",
    "Olof",
    "Gustav",
    "Magnus",
    "Sven",
    "Björn",
    "Fredrik",
    "Henrik",
    "Stefan",
    "Eva",
    "Karin",
    "Kerstin",
    "Ingrid",
    "Birgitta",
    "Margareta",
    "Elisabeth",
    "Kristina",
    "Ulla",
    "Astrid",
    "Linnea",
    "Sofia",
    "Ebba",
    "Maja",
    "Elsa",
    "Ida",
    "Sara",
    "Lena",
]
SV_LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindström",
    "Lindqvist",
    "Lundberg",
    "Berglund",
    "Axelsson",
    "Sandberg",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundgren",
    "Holm",
    "Bergström",
    "Nyström",
    "Åberg",
    "Söderberg",
    "Fransson",
]
#: Russian names in Cyrillic (lists carry them so, and in their own Latin spelling)
RU_FIRST = [
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Юрий",
    "Евгений",
    "Михаил",
    "Николай",
    "Владимир",
    "Игорь",
    "Олег",
    "Виктор",
    "Максим",
    "Вячеслав",
    "Ольга",
    "Елена",
    "Татьяна",
    "Наталья",
    "Юлия",
    "Ксения",
    "Людмила",
    "Екатерина",
    "Жанна",
]
RU_LAST = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Щербаков",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Петров",
    "Волков",
    "Соловьёв",
    "Васильев",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Воробьёв",
    "Фёдоров",
    "Михайлов",
    "Беляев",
    "Тарасов",
    "Белов",
    "Комаров",
    "Орлов",
    "Киселёв",
    "Макаров",
    "Жуков",
    "Чернов",
    "Шевченко",
    "Ковальчук",
    "Юсупов",
    "Хабибуллин",
]
RU_PATRONYMIC = [
    "Александрович",
    "Сергеевич",
    "Владимирович",
    "Николаевич",
    "Юрьевич",
    "Викторович",
    "Игоревич",
    "Олегович",
    "Михайлович",
    "Андреевич",
]
#: the British/US style most Latin-letter lists and passports before ICAO 9303 use
BGN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
#: ICAO 9303, in Finnish and Swedish passports and residence permits
ICAO = {**BGN, "ё": "e", "й": "i", "ы": "y", "ъ": "ie", "ю": "iu", "я": "ia"}
#: one Arabic name, its common Latin spellings (the list has one, the register another)
AR_VARIANTS = [
    ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"],
    ["Ahmed", "Ahmad"],
    ["Hussein", "Husain", "Hussain", "Husayn"],
    ["Hassan", "Hasan"],
    ["Youssef", "Yusuf", "Yousef", "Yousif"],
    ["Abdullah", "Abdallah", "Abdulla"],
    ["Omar", "Umar"],
    ["Khalid", "Khaled"],
    ["Mahmoud", "Mahmud", "Mahmood"],
    ["Mustafa", "Mostafa", "Moustafa"],
    ["Ibrahim", "Ebrahim"],
    ["Osama", "Usama"],
    ["Said", "Saeed", "Sayed"],
    ["Abdulrahman", "Abdurrahman", "Abdelrahman"],
    ["Nasser", "Nasir", "Naser"],
    ["Rashid", "Rasheed"],
    ["Suleiman", "Sulaiman", "Sulayman"],
    ["Fatima", "Fatema", "Fatimah"],
    ["Aisha", "Aysha", "Ayesha"],
    ["Jamal", "Gamal"],
]
AR_SCRIPT = {
    "Mohammed": "محمد",
    "Ahmed": "أحمد",
    "Hussein": "حسين",
    "Hassan": "حسن",
    "Youssef": "يوسف",
    "Abdullah": "عبدالله",
    "Omar": "عمر",
    "Khalid": "خالد",
    "Mahmoud": "محمود",
    "Mustafa": "مصطفى",
    "Ibrahim": "إبراهيم",
    "Osama": "أسامة",
    "Said": "سعيد",
    "Abdulrahman": "عبدالرحمن",
    "Nasser": "ناصر",
    "Rashid": "رشيد",
    "Suleiman": "سليمان",
    "Fatima": "فاطمة",
    "Aisha": "عائشة",
    "Jamal": "جمال",
}
EU_FIRST = [
    "Jürgen",
    "Sören",
    "Zoë",
    "Françoise",
    "José",
    "Łukasz",
    "Grzegorz",
    "Małgorzata",
    "Dvořák",
    "Jiří",
    "Tomáš",
    "Ágnes",
    "Gyöngyi",
    "Şükrü",
    "Çağrı",
    "Øystein",
    "Åsa",
    "Björk",
    "Mária",
    "Željko",
    "Dušan",
    "Míša",
    "Renée",
    "Inês",
    "João",
    "Núria",
]
EU_LAST = [
    "Müller",
    "Schröder",
    "Gößling",
    "Łęcki",
    "Wójcik",
    "Nováková",
    "Dvořáková",
    "Kovačević",
    "Petrović",
    "Şahin",
    "Yılmaz",
    "Øvergård",
    "Ångström",
    "Sørensen",
    "Fernández",
    "Gonçalves",
    "Lefèvre",
    "Désirée",
    "Núñez",
    "Čapek",
    "Hölderlin",
    "Brännström",
]
ORG_WORDS = [
    "Nordic",
    "Baltic",
    "Arctic",
    "Polar",
    "Global",
    "United",
    "Eastern",
    "Northern",
    "Steel",
    "Timber",
    "Shipping",
    "Logistics",
    "Trading",
    "Energy",
    "Petroleum",
    "Metals",
    "Chemicals",
    "Finance",
    "Invest",
    "Capital",
    "Holding",
    "Marine",
    "Aviation",
    "Mining",
    "Potash",
    "Fertiliser",
    "Grain",
    "Cargo",
    "Systems",
    "Technologies",
]
LEGAL_FORMS = ["Oy", "Oyj", "AB", "Ab", "LLC", "Ltd", "JSC", "OOO", "GmbH", "Inc", "SA"]
COUNTRIES = ["ru", "by", "sy", "ir", "kp", "ye", "af", "iq", "ly", "sd", "ve", "mm"]


def translit(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in table:
            t = table[low]
            out.append(t.capitalize() if ch != low else t)
        else:
            out.append(ch)
    return "".join(out)


def ascii_fold(text: str) -> str:
    import unicodedata

    extra = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "ı": "i"})
    decomposed = unicodedata.normalize("NFKD", text.translate(extra))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def osa(a: str, b: str) -> int:
    from rapidfuzz.distance import OSA

    return OSA.distance(a.lower(), b.lower())


def different(a: str, b: str) -> bool:
    """Two names a screening must tell apart: more than one edit, other phonetic code."""
    from rekisteri.watchlists.normalize import code, name_tokens

    ta, tb = name_tokens(a), name_tokens(b)
    if len(ta) != 1 or len(tb) != 1:
        return False
    return osa(ta[0], tb[0]) > 1 and code(ta[0]) != code(tb[0])


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap", "replace"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letter = rng.choice("aeiourstnlk".replace(word[i].lower(), ""))
    return word[:i] + letter + word[i + 1 :]


def birth(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 60))


def pair(
    category: str,
    match: bool,
    subject_names: list[str],
    entry_names: list[str],
    *,
    kind: str = "person",
    subject_birth: date | None = None,
    entry_births: list[str] | None = None,
    subject_countries: list[str] | None = None,
    entry_countries: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "category": category,
        "match": match,
        "subject": {
            "kind": kind,
            "names": subject_names,
            "birth_date": subject_birth.isoformat() if subject_birth else None,
            "countries": subject_countries or [],
        },
        "entry": {
            "schema": kind,
            "names": entry_names,
            "birth_dates": entry_births or [],
            "countries": entry_countries or [],
        },
    }


def nordic_name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return rng.choice(FI_FIRST), rng.choice(FI_LAST)
    return rng.choice(SV_FIRST), rng.choice(SV_LAST)


def russian(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(RU_FIRST), rng.choice(RU_LAST)
    patronymic = rng.choice(RU_PATRONYMIC)
    if first.endswith(("а", "я")):  # a woman: the feminine surname and patronymic
        last = last + "а" if last.endswith(("ов", "ев", "ёв", "ин")) else last
        patronymic = patronymic.replace("ич", "на")
    return first, patronymic, last


def positives(rng: random.Random) -> Iterator[dict[str, Any]]:
    for _ in range(30):  # the same name, written as the list writes it
        first, last = nordic_name(rng)
        d = birth(rng)
        yield pair(
            "exact",
            True,
            [f"{first} {last}"],
            [f"{last.upper()} {first}"],
            subject_birth=d,
            entry_births=[d.isoformat()],
        )
    for _ in range(40):  # diacritics dropped on one side
        first, last = rng.choice(EU_FIRST), rng.choice(EU_LAST)
        name = f"{first} {last}"
        if rng.random() < 0.5:
            yield pair("diacritics", True, [ascii_fold(name)], [name])
        else:
            yield pair("diacritics", True, [name], [ascii_fold(name).upper()])
    for _ in range(50):  # Cyrillic on the list, Latin (BGN or ICAO) in the register
        first, patronymic, last = russian(rng)
        cyr = f"{first} {patronymic} {last}"
        table = BGN if rng.random() < 0.5 else ICAO
        latin = translit(f"{first} {last}", table)
        entry = [translit(cyr, BGN if table is ICAO else ICAO).upper(), cyr]
        if rng.random() < 0.4:
            entry = [cyr]  # the list gives only the original script
        d = birth(rng)
        yield pair(
            "cyrillic",
            True,
            [latin],
            entry,
            subject_birth=d,
            entry_births=[d.isoformat()],
            subject_countries=["ru"],
            entry_countries=["ru"],
        )
    for _ in range(50):  # Arabic names: the list's spelling and script, ours another spelling
        a, b = rng.sample(AR_VARIANTS, 2)
        la, lb = rng.sample(a, 2) if len(a) > 1 else (a[0], a[0])
        ours_b, theirs_b = rng.sample(b, 2) if len(b) > 1 else (b[0], b[0])
        entry = [f"{la} {theirs_b}"]
        if a[0] in AR_SCRIPT and b[0] in AR_SCRIPT:
            entry.append(f"{AR_SCRIPT[a[0]]} {AR_SCRIPT[b[0]]}")
        yield pair(
            "arabic", True, [f"{lb} {ours_b}"], entry, entry_countries=[rng.choice(COUNTRIES)]
        )
    for _ in range(30):  # family name first, or given names in another order
        first, last = nordic_name(rng)
        if rng.random() < 0.5:
            first2 = rng.choice(FI_FIRST + SV_FIRST)
            yield pair(
                "word_order", True, [f"{first} {first2} {last}"], [f"{last}, {first2} {first}"]
            )
        else:
            yield pair("word_order", True, [f"{last} {first}"], [f"{first} {last}"])
    for _ in range(30):  # initials
        first, last = nordic_name(rng)
        first2 = rng.choice(FI_FIRST + SV_FIRST)
        d = birth(rng)
        if rng.random() < 0.5:
            yield pair(
                "initials",
                True,
                [f"{first[0]}. {last}"],
                [f"{first} {first2} {last}"],
                subject_birth=d,
                entry_births=[d.isoformat()],
            )
        else:
            yield pair(
                "initials", True, [f"{first} {first2} {last}"], [f"{first} {first2[0]}. {last}"]
            )
    for _ in range(40):  # a middle name or patronymic the other side does not have
        if rng.random() < 0.5:
            first, patronymic, last = russian(rng)
            full = translit(f"{first} {patronymic} {last}", BGN)
            short = translit(f"{first} {last}", BGN)
        else:
            first, last = nordic_name(rng)
            full = f"{first} {rng.choice(FI_FIRST + SV_FIRST)} {last}"
            short = f"{first} {last}"
        if rng.random() < 0.5:
            yield pair("middle_name", True, [short], [full])
        else:
            yield pair("middle_name", True, [full], [short])
    for _ in range(50):  # one typo, in any name of four letters or more
        first, last = nordic_name(rng)
        if rng.random() < 0.3:
            f2, p2, l2 = russian(rng)
            first, last = translit(f2, BGN), translit(l2, BGN)
        which = rng.random() < 0.5
        typoed = f"{typo(rng, first)} {last}" if which else f"{first} {typo(rng, last)}"
        yield pair("typo", True, [typoed], [f"{first} {last}"])
    for _ in range(30):  # the birth date off by a day, or day and month swapped
        first, last = nordic_name(rng)
        d = birth(rng)
        other = d + timedelta(days=rng.choice([-1, 1]))
        if rng.random() < 0.3 and d.day <= 12 and d.day != d.month:
            other = date(d.year, d.day, d.month)
        yield pair(
            "birth_date_off",
            True,
            [f"{first} {last}"],
            [f"{first} {last}"],
            subject_birth=d,
            entry_births=[other.isoformat()],
        )
    for _ in range(30):  # organisations: legal form, case, word order of the form
        words = rng.sample(ORG_WORDS, rng.choice([2, 3]))
        base = " ".join(words)
        f1, f2 = rng.sample(LEGAL_FORMS, 2)
        theirs = f"{base} {f2}".upper() if rng.random() < 0.5 else f"{f2} {base}"
        yield pair("organisation", True, [f"{base} {f1}"], [theirs], kind="organisation")


def negatives(rng: random.Random) -> Iterator[dict[str, Any]]:
    made = 0
    while made < 70:  # Finnish: one name the same, the other a different common name
        first, last = rng.choice(FI_FIRST), rng.choice(FI_LAST)
        if rng.random() < 0.5:
            other = rng.choice(FI_FIRST)
            if not different(first, other):
                continue
            ours, theirs = f"{first} {last}", f"{other} {last}"
        else:
            other = rng.choice(FI_LAST)
            if not different(last, other):
                continue
            ours, theirs = f"{first} {last}", f"{first} {other}"
        made += 1
        yield pair("finnish_different", False, [ours], [theirs])
    made = 0
    while made < 70:  # Swedish, the same way
        first, last = rng.choice(SV_FIRST), rng.choice(SV_LAST)
        if rng.random() < 0.5:
            other = rng.choice(SV_FIRST)
            if not different(first, other):
                continue
            ours, theirs = f"{first} {last}", f"{other} {last}"
        else:
            other = rng.choice(SV_LAST)
            if not different(last, other):
                continue
            ours, theirs = f"{first} {last}", f"{first} {other}"
        made += 1
        yield pair("swedish_different", False, [ours], [theirs])
    for _ in range(40):  # the same common name, born years apart: two persons
        first, last = nordic_name(rng)
        d = birth(rng)
        other = d + timedelta(days=rng.choice([-1, 1]) * rng.randrange(400, 9000))
        yield pair(
            "same_name_other_birth",
            False,
            [f"{first} {last}"],
            [f"{first} {last}"],
            subject_birth=d,
            entry_births=[other.isoformat()],
        )
    made = 0
    while made < 30:  # Russian: different first names, or surnames, the rest the same
        f1, p1, l1 = russian(rng)
        f2, _p2, l2 = russian(rng)
        if rng.random() < 0.5:
            if not different(translit(f1, BGN), translit(f2, BGN)):
                continue
            ours, theirs = translit(f"{f1} {l1}", BGN), f"{f2} {p1} {l1}"
        else:
            if not different(translit(l1, BGN), translit(l2, BGN)):
                continue
            ours, theirs = translit(f"{f1} {l1}", BGN), f"{f1} {p1} {l2}"
        made += 1
        yield pair("russian_different", False, [ours], [theirs])
    made = 0
    while made < 40:  # organisations sharing a word or two
        words = rng.sample(ORG_WORDS, 3)
        other = rng.choice([w for w in ORG_WORDS if w not in words])
        theirs = [*words[:2], other] if rng.random() < 0.5 else [other, *words[1:]]
        made += 1
        yield pair(
            "organisation_different",
            False,
            [" ".join(words) + " " + rng.choice(LEGAL_FORMS)],
            [" ".join(theirs) + " " + rng.choice(LEGAL_FORMS)],
            kind="organisation",
        )


def main() -> None:
    rng = random.Random(15)
    rows = list(positives(rng)) + list(negatives(rng))
    with OUT.open("w", encoding="utf-8") as fh:
        for i, row in enumerate(rows, start=1):
            fh.write(json.dumps({"id": i, **row}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} pairs written to {OUT}")


if __name__ == "__main__":
    main()
