"""The crawl: every staff page, as every role, in Finnish, Swedish and English, says things
in the user's words.

The register is the demo's (`rekisteri demo`: persons, organisations, interactions,
campaigns, data subject requests with an objection, a breach, disclosures). Each role's
user starts at the dashboard and follows every link under /staff/ (one page per kind of
page: per URL name), then opens the same pages in the other two languages. A page fails on

- an answer of 500 or more;
- a catalogue code (purpose, role, category, recipient, source), a model field name or a
  Python repr (`<Person: …>`, `register.Person:42`, `None`, `['…']`) in the visible text;
- on a Finnish or Swedish page: English from our own messages (a message whose translation
  differs from the English, or a run of two or more of its words).

The visible text is the page without tags, scripts, styles and attributes; what the users
typed (names, notes, subjects: the register's data) is taken out before the checks, so a
person called "Sales" is not a finding.
"""

from __future__ import annotations

import gettext
import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from rekisteri.testing.axe import serious_violations
from rekisteri.testing.browser import client_context
from rekisteri.testing.fixtures import ROLES, make_staff

pytestmark = pytest.mark.slow

LANGUAGES = ("en", "fi", "sv")
#: Pages the crawl does not open: they change something on GET or are not pages.
SKIP_VIEWS = {"staff:logout", "set_language"}
#: URL names opened at most this many times per role (a list's rows are all the same page).
PER_VIEW = 2


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles; no form input
    (a textarea holds what the user types, like an input's value; `<code>` shows what the
    user is to type, such as a segment rule's name); and nothing marked as written in
    another language than the page's (`lang="en"` on a campaign's English preview)."""

    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        #: open elements: tag and the language in force inside it
        self._open: list[tuple[str, str]] = []

    def _in_other_language(self) -> bool:
        return bool(self._open) and self._open[-1][1] != self.lang

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "textarea", "code"):
            self._hidden += 1
        if tag not in self.VOID:
            inherited = self._open[-1][1] if self._open else self.lang
            self._open.append((tag, dict(attrs).get("lang") or inherited))
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag in ("br", "p", "div", "li", "td", "th", "tr", "option", "h1", "h2", "h3", "dt"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "textarea", "code"):
            self._hidden -= 1
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._in_other_language():
            self.parts.append(data)


def visible(html: str, lang: str = "en") -> tuple[list[str], list[str]]:
    """The page's lines of visible text in the page's language, and its links."""
    parser = _Text(lang)
    parser.feed(html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return [line for line in lines if line], parser.links


def _user_data() -> set[str]:
    """Every word the users typed into the register, left out of the checks for codes."""
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("rekisteri."):
            continue
        for field in model._meta.concrete_fields:
            if field.get_internal_type() not in ("CharField", "TextField", "EmailField"):
                continue
            if field.choices or field.name in ("code", "kind", "status", "purpose", "role"):
                continue
            for value in model._base_manager.values_list(field.attname, flat=True)[:5000]:
                if isinstance(value, str):
                    values |= set(re.findall(r"[\w-]+", value))
    return values


def _english_messages(lang: str) -> tuple[set[str], list[str]]:
    """Our English messages whose translation to `lang` differs: the whole messages, and
    their runs of two or more words between placeholders."""
    from pathlib import Path

    import rekisteri

    mo = Path(rekisteri.__file__).parent / "locale" / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    whole: set[str] = set()
    runs: set[str] = set()
    for msgid, msgstr in catalog.items():
        if isinstance(msgid, tuple):  # a plural form
            msgid = msgid[0]
        if "\x04" in msgid:  # a context
            msgid = msgid.split("\x04", 1)[1]
        if not msgid or not msgstr or msgstr == msgid:
            continue
        text = " ".join(msgid.split())
        if len(text) >= 4 and re.search(r"[a-z]{3}", text):
            whole.add(text.rstrip(":").strip())
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|[.:;!?()]", text):
            piece = piece.strip(" ,-–")
            if len(piece.split()) >= 3 and len(piece) >= 12:
                runs.add(piece)
    return whole, sorted(runs, key=len, reverse=True)


def _codes() -> set[str]:
    from rekisteri.catalogue.selectors import catalogue_snapshot

    snap = catalogue_snapshot()
    return (
        set(snap.purposes)
        | set(snap.roles)
        | set(snap.categories)
        | set(snap.recipients)
        | set(snap.sources)
    )


def _field_names() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        if model.__module__.startswith("rekisteri."):
            names |= {f.name for f in model._meta.get_fields() if "_" in f.name}
    return names


def _catalogue_texts(lang: str) -> set[str]:
    """The catalogue's names and texts in `lang`: the company's own words (a Finnish role may
    be called "Compliance"), never our English."""
    from rekisteri.catalogue.models import CatalogueVersion

    texts: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == lang and isinstance(item, str):
                    texts.add(" ".join(item.split()))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for document in CatalogueVersion.objects.values_list("document", flat=True):
        walk(document)
    return texts


REPR = re.compile(
    r"<[A-Z]\w*:|\b[a-z]+\.[A-Z]\w+:\d+|\bNone\b|\[['\"]|['\"]\]|\{['\"]|\bTrue\b|\bFalse\b"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d:\d\d:\d\d\.\d{3,}"
)


class Checker:
    def __init__(self) -> None:
        self.user_data = _user_data()
        codes = _codes()
        # A code with "_" or "-" is never a word of a sentence; a one-word code ("sales",
        # "finance") is one in English, so it is looked for on the other languages' pages.
        self.joined = {c for c in codes | _field_names() if "_" in c or "-" in c}
        self.words = {c for c in codes if c not in self.joined}
        self.english = {lang: _english_messages(lang) for lang in ("fi", "sv")}
        self.catalogue = {lang: _catalogue_texts(lang) for lang in ("fi", "sv")}
        #: our English messages, all of them ("None." is one)
        self.messages = {m.rstrip(":").strip() for m in self.english["fi"][0]}

    def findings(self, lines: list[str], lang: str) -> list[str]:
        found: list[str] = []
        for line in lines:
            # {first_name} is how a user writes a placeholder in a message: their word
            words = re.sub(r"\{\w+\}", " ", line)
            tokens = set(re.findall(r"[\w-]+", words)) - self.user_data
            for code in sorted(self.joined & tokens):
                found.append(f"code or field name {code!r} in {line!r}")
            if lang != "en":
                for code in sorted(self.words & tokens):
                    found.append(f"code {code!r} in {line!r}")
            if line.rstrip(":").strip() not in self.messages and (match := REPR.search(line)):
                found.append(f"Python repr {match.group(0)!r} in {line!r}")
            if lang != "en" and line not in self.catalogue[lang]:
                whole, runs = self.english[lang]
                if line.rstrip(":").strip() in whole:
                    found.append(f"English {line!r}")
                    continue
                for run in runs:
                    if run in line and re.search(rf"(?<!\w){re.escape(run)}(?!\w)", line):
                        found.append(f"English {run!r} in {line!r}")
                        break
        return found


def _staff_path(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def register(db: None) -> None:
    import time

    t = time.time()
    call_command("demo", "--no-serve", stdout=StringIO(), stderr=StringIO())
    print("demo", time.time() - t)


def crawl(client: Client) -> tuple[list[str], list[str]]:
    """Every page reachable from the dashboard, at most PER_VIEW per URL name; (pages,
    errors)."""
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    queue: deque[str] = deque(["/staff/"])
    pages: list[str] = []
    errors: list[str] = []
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            continue
        if name in SKIP_VIEWS or per_view.get(name, 0) >= PER_VIEW:
            continue
        per_view[name] = per_view.get(name, 0) + 1
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(path)
        _lines, links = visible(response.content.decode())
        for href in links:
            if (target := _staff_path(href)) and target not in seen:
                queue.append(target)
    return pages, errors


def check_pages(
    client: Client, browser: Any, pages: list[str], who: str
) -> tuple[list[str], list[str], list[str]]:
    """Open every page in every language, through the browser when there is one (axe runs
    on what it shows), and check its text. (errors, findings, axe problems)"""
    checker = Checker()
    errors: list[str] = []
    findings: list[str] = []
    problems: list[str] = []
    for lang in LANGUAGES:
        client.cookies["django_language"] = lang
        context = page = None
        if browser is not None:
            context, answers = client_context(browser, client, lang)
            page = context.new_page()
        try:
            for path in pages:
                if page is not None:
                    page.goto(path)
                    status, html = answers[path]
                else:
                    response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
                    status, html = response.status_code, response.content.decode()
                if status >= 500:
                    errors.append(f"{lang} {path}: {status}")
                    continue
                lines, _links = visible(html, lang)
                findings += [f"{lang} {path}: {f}" for f in checker.findings(lines, lang)]
                if page is not None:
                    problems += serious_violations(page, f"{who} {lang} {path}")
        finally:
            if context is not None:
                context.close()
    return errors, findings, problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_the_users_words(
    optional_chromium: Any, register: None, role: str
) -> None:
    from rekisteri.register.models import Controller

    user = make_staff(
        f"Crawler {role.upper()[:1]}", [role], [Controller.objects.get(code="esimerkki-fi")]
    )
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    import time

    t = time.time()
    pages, errors = crawl(client)
    print("crawl", len(pages), time.time() - t)
    assert len(pages) > 3, pages
    t = time.time()
    more_errors, findings, problems = check_pages(client, optional_chromium, pages, role)
    print("check", time.time() - t)
    errors += more_errors
    assert not errors, "\n".join(errors)
    assert not findings, "\n".join(sorted(set(findings)))
    assert not problems, "\n".join(problems)
