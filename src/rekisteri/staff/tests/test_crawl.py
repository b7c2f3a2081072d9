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
import os
import re
from collections import deque
from html import escape
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
#: axe on every page in every language, not once per kind of page and language
#: (REKISTERI_CRAWL_AXE=every; docs/ui.md, "How long it takes")
AXE_EVERY = os.environ.get("REKISTERI_CRAWL_AXE", "") == "every"


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


MODEL_LABEL = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+\b")
REPR = re.compile(
    r"<[A-Z]\w*:|\b[a-z]+\.[A-Z]\w+:\d+|\bNone\b|\[['\"]|['\"]\]|\{['\"]|\bTrue\b|\bFalse\b"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d:\d\d:\d\d\.\d{3,}"
)


def _choices() -> dict[str, dict[str, set[str]]]:
    """The models' stored choice values that are words (`open`, `due`, `restricted`), each
    with its labels in every language: a value shown instead of its label."""
    from django.utils import translation

    found: dict[str, dict[str, set[str]]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("rekisteri."):
            continue
        for field in model._meta.concrete_fields:
            for value, label in field.flatchoices or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    labels = found.setdefault(value, {lang: set() for lang in LANGUAGES})
                    for lang in LANGUAGES:
                        with translation.override(lang):
                            labels[lang].add(str(label))
    return found


#: dates and times in another language's format (fi 29.11.2026 klo 21.02, sv 2026-11-29
#: 21:02, en 29 Nov 2026, 21:02)
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
WRONG_DATES = {
    "fi": re.compile(
        rf"\b\d{{4}}-\d\d-\d\d\b|\b\d\d?/\d\d?/\d{{4}}\b|\b(?:{_MONTHS})\.? \d|\d (?:{_MONTHS})\b"
        r"|\b[ap]\.m\.|\d\.\d{4},? \d\d?:\d\d"
    ),
    "sv": re.compile(
        rf"\b\d\d?\.\d\d?\.\d{{4}}\b|\b\d\d?/\d\d?/\d{{4}}\b|\b(?:{_MONTHS})\.? \d"
        r"|\b[ap]\.m\.|\bklo \d"
    ),
    "en": re.compile(
        rf"\b\d\d?\.\d\d?\.\d{{4}}\b|\b\d\d?/\d\d?/\d{{4}}\b|\b(?:{_MONTHS})\. \d"
        rf"|\b(?:{_MONTHS})[a-z]* \d\d?, \d{{4}}|\b[ap]\.m\.|\bklo \d|\b\d{{4}}-\d\d-\d\d \d"
    ),
}
#: a date in the language's format: at least some pages must show one
RIGHT_DATES = {
    "fi": re.compile(r"\b\d\d?\.\d\d?\.\d{4}\b"),
    "sv": re.compile(r"\b\d{4}-\d\d-\d\d\b"),
    "en": re.compile(rf"\b\d\d? (?:{_MONTHS}) \d{{4}}\b"),
}


class Checker:
    def __init__(self) -> None:
        self.user_data = _user_data()
        codes = _codes()
        choices = _choices()
        # A code with "_" or "-" is never a word of a sentence; a one-word code ("sales",
        # "finance") is one in English, so it is looked for on the other languages' pages.
        self.joined = {c for c in codes | _field_names() | set(choices) if "_" in c or "-" in c}
        self.words = {c for c in codes if c not in self.joined}
        # A stored choice that is an English word ("open", "due", "restricted"): on a
        # Finnish or Swedish page the word is a finding unless it is that language's label
        # too; on an English page a line that is the bare lowercase value is, when its label
        # is another (the code shown where the label should be).
        self.choice_words = {v: labels for v, labels in choices.items() if v not in self.joined}
        self.english = {lang: _english_messages(lang) for lang in ("fi", "sv")}
        self.catalogue = {lang: _catalogue_texts(lang) for lang in ("fi", "sv")}
        #: the models' labels ("register.Person"): a model named by its label, not its name
        self.model_labels = {
            m._meta.label for m in apps.get_models() if m.__module__.startswith("rekisteri.")
        }
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
            for label in MODEL_LABEL.findall(line):
                if label in self.model_labels:
                    found.append(f"model label {label!r} in {line!r}")
            if lang != "en":
                for code in sorted(self.words & tokens):
                    found.append(f"code {code!r} in {line!r}")
                for code in sorted(set(self.choice_words) & tokens):
                    labels = " ".join(self.choice_words[code][lang]).lower().split()
                    if code not in labels:
                        found.append(f"code {code!r} in {line!r}")
            elif line not in self.messages and (
                line in self.words
                or (line in self.choice_words and line not in self.choice_words[line]["en"])
            ):
                found.append(f"code {line!r} where its label belongs")
            # A text the users typed that looks like a date (a catalogue version "2026-11-01")
            # is their word, not a date we formatted.
            for wrong in WRONG_DATES[lang].finditer(line):
                if wrong.group(0).strip() not in self.user_data:
                    found.append(f"date or time in another format {wrong.group(0)!r} in {line!r}")
                    break
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
    call_command("demo", "--no-serve", stdout=StringIO(), stderr=StringIO())


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


class Report:
    """What the checks found, by kind; each line names the language, the page and what."""

    def __init__(self, who: str) -> None:
        self.who = who
        self.checker = Checker()
        self.errors: list[str] = []
        self.findings: list[str] = []
        self.axe: list[str] = []
        self.dated: dict[str, int] = dict.fromkeys(LANGUAGES, 0)

    def text(self, html: str, lang: str, where: str) -> list[str]:
        lines, links = visible(html, lang)
        self.findings += [f"{lang} {where}: {f}" for f in self.checker.findings(lines, lang)]
        if any(RIGHT_DATES[lang].search(line) for line in lines):
            self.dated[lang] += 1
        return links

    def answer(self, status: int, html: str, lang: str, where: str) -> None:
        if status >= 500:
            self.errors.append(f"{lang} {where}: {status}")
        else:
            self.text(html, lang, where)

    def assert_clean(self) -> None:
        assert not self.errors, "\n".join(self.errors)
        assert not self.findings, "\n".join(sorted(set(self.findings)))
        assert not self.axe, "\n".join(self.axe)


class Browser:
    """One browser context per language, served by the test client (or none: then only the
    text is checked). axe runs on a page opened with `axe=True`; a page opened without it is
    asked of the test client only (its text is checked all the same)."""

    def __init__(self, chromium: Any, client: Client, lang: str, width: int = 1280) -> None:
        self.client, self.lang = client, lang
        self.page = self.context = None
        self.answers: dict[str, tuple[int, str]] = {}
        client.cookies["django_language"] = lang
        if chromium is not None:
            self.context, self.answers = client_context(chromium, client, lang, width)
            self.page = self.context.new_page()

    def open(self, path: str, report: Report, *, axe: bool = True) -> tuple[int, str]:
        if self.page is None or not axe:
            response = self.client.get(path, HTTP_ACCEPT_LANGUAGE=self.lang)
            return response.status_code, response.content.decode()
        self.page.goto(path)
        status, html = self.answers[path]
        if status < 500:
            report.axe += serious_violations(self.page, f"{report.who} {self.lang} {path}")
        return status, html

    def show(self, html: str, report: Report, where: str) -> None:
        """axe on an answer the browser did not ask for itself (a form's result)."""
        if self.page is not None:
            self.page.set_content(html)
            report.axe += serious_violations(self.page, f"{report.who} {self.lang} {where}")

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


def check_pages(
    client: Client,
    chromium: Any,
    pages: list[str],
    report: Report,
    *,
    width: int = 1280,
    before: Any = None,
) -> None:
    """Open every page in every language and check its text; axe runs in the browser (when
    there is one) on the first page of each kind (URL name, so template) in each language:
    the pages of one kind are one template with other rows, and axe costs most of the crawl
    (docs/ui.md, "How long it takes"). `before(lang)` prepares a language."""
    for lang in LANGUAGES:
        if before is not None:
            before(lang)
        browser = Browser(chromium, client, lang, width)
        axed: set[str] = set()
        try:
            for path in pages:
                kind = _kind(path)
                status, html = browser.open(path, report, axe=AXE_EVERY or kind not in axed)
                if status < 500:
                    axed.add(kind)
                report.answer(status, html, lang, path)
        finally:
            browser.close()


def _kind(path: str) -> str:
    """A page's kind: its URL name (one view, one template)."""
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path


# --- forms ------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields with the values a user would leave or
    choose (the first option of a list, checked boxes, today for a date)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": [], "files": []}
            self.forms.append(self._form)
        form = self._form
        if form is not None and tag == "option" and self._select:
            # the selected option, else the first one with a value
            field = [f for f in form["fields"] if f[0] == self._select][-1]
            if "selected" in a or (field[1] in (None, "") and a.get("value")):
                field[1] = a.get("value", "")
            return
        if form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in _names(form)):
                    form["fields"].append([name, a.get("value", "on"), kind])
            elif kind == "file":
                form["files"].append(name)
            elif kind not in ("submit", "button", "image", "reset"):
                form["fields"].append([name, a.get("value", ""), kind])
            elif kind == "submit" and a.get("value"):
                form["fields"].append([name, a["value"], "submit"])
        elif tag == "button" and a.get("value"):
            if name not in _names(form):
                form["fields"].append([name, a["value"], "submit"])
        elif tag == "select":
            self._select = name
            form["fields"].append([name, None, "select"])
        elif tag == "textarea":
            self._textarea = name
            form["fields"].append([name, "", "textarea"])

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][-1][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _names(form: dict[str, Any]) -> set[str]:
    return {f[0] for f in form["fields"]}


#: forms not submitted: they end the session or change the language (followed elsewhere)
SKIP_FORMS = ("/staff/logout/", "/i18n/")


def _plausible(name: str, kind: str, value: str) -> str:
    """A valid-looking value for an empty field."""
    import datetime as dt

    if value:
        return value
    if kind == "email" or "email" in name:
        return "kokeilu@example.com"
    if kind == "date" or name.endswith(("_on", "date", "start", "end")) or "date" in name:
        return dt.date.today().isoformat()
    if kind == "datetime-local" or name.endswith("_at"):
        return dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    if kind == "number":
        return "1"
    if kind in ("hidden", "csrfmiddlewaretoken"):
        return value
    return "Kokeilu"


def forms_of(html: str, path: str, *, files: bool = False) -> list[dict[str, Any]]:
    """The page's POST forms to submit: without a file input, or (`files`) only those with
    one (the import's upload, sent a real CSV file by `upload_files`)."""
    parser = _Forms()
    parser.feed(html)
    out = []
    for form in parser.forms:
        action = form["action"] or path
        if action.startswith(SKIP_FORMS) or bool(form["files"]) != files:
            continue
        out.append({**form, "action": action})
    return out


def submit_forms(client: Client, chromium: Any, pages: list[str], report: Report) -> int:
    """Every POST form of the pages, once with what a user leaves empty left empty (the
    invalid answer, in every language: no 5xx, the page in the user's words, axe in
    Finnish) and once filled plausibly (the valid one, in Finnish). Returns how many forms."""
    client.cookies["django_language"] = "en"
    seen: set[tuple[str, tuple[str, ...]]] = set()
    forms: list[dict[str, Any]] = []
    for path in pages:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200:
            continue
        for form in forms_of(response.content.decode(), path):
            key = (resolve(urlsplit(form["action"]).path).view_name, tuple(sorted(_names(form))))
            if key not in seen:
                seen.add(key)
                forms.append(form)
    browser = Browser(chromium, client, "fi")
    try:
        for form in forms:
            empty = {
                n: ("" if k in ("text", "email", "date", "number", "textarea") else v)
                for n, v, k in form["fields"]
                if v is not None
            }
            filled = {n: _plausible(n, k, v or "") for n, v, k in form["fields"] if v is not None}
            for lang in ("en", "sv", "fi"):
                client.cookies["django_language"] = lang
                response = client.post(
                    form["action"], empty, follow=True, HTTP_ACCEPT_LANGUAGE=lang
                )
                where = f"POST {form['action']} (left empty)"
                report.answer(response.status_code, response.content.decode(), lang, where)
            if response.status_code < 500:
                browser.show(response.content.decode(), report, where)
            response = client.post(form["action"], filled, follow=True, HTTP_ACCEPT_LANGUAGE="fi")
            where = f"POST {form['action']} (filled)"
            report.answer(response.status_code, response.content.decode(), "fi", where)
    finally:
        browser.close()
    return len(forms)


# --- file uploads: the import with a real CSV file ----------------------------------------------

#: a small CSV file as a user exports it from a spreadsheet (semicolons, Finnish headers): one
#: good row, and the same with a row missing its last name and with a broken address
GOOD_CSV = "etunimi;sukunimi;sähköposti\nKaisa;Kokeilu;kaisa.kokeilu{n}@example.fi\n"
BAD_CSV = GOOD_CSV + "Bo;;bo@@example\n"


def upload_files(client: Client, chromium: Any, pages: list[str], role: str, report: Report) -> int:
    """Every form with a file input (the import's upload), sent a real small CSV file: the
    preview of a file with row errors and of a good file in every language (axe on the
    Finnish ones), then the preview's confirmation (in Finnish), which must import the row.
    Returns how many upload forms."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rekisteri.register.models import ContactPoint

    client.cookies["django_language"] = "en"
    forms: dict[str, dict[str, Any]] = {}
    for path in pages:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code == 200:
            for form in forms_of(response.content.decode(), path, files=True):
                forms.setdefault(form["action"], form)
    n = ROLES.index(role) if role in ROLES else 0
    good, bad = GOOD_CSV.format(n=n), BAD_CSV.format(n=n)
    browser = Browser(chromium, client, "fi")
    try:
        for form in forms.values():
            fields = {n: _plausible(n, k, v or "") for n, v, k in form["fields"] if v is not None}
            if "kind" in fields:
                fields["kind"] = "persons"
            html = ""
            for name, text in (("virheet.csv", bad), ("lista.csv", good)):
                where = f"POST {form['action']} ({name})"
                for lang in ("en", "sv", "fi"):
                    client.cookies["django_language"] = lang
                    files = {f: SimpleUploadedFile(name, text.encode()) for f in form["files"]}
                    response = client.post(
                        form["action"], {**fields, **files}, follow=True, HTTP_ACCEPT_LANGUAGE=lang
                    )
                    html = response.content.decode()
                    report.answer(response.status_code, html, lang, where)
                if response.status_code < 500:
                    browser.show(html, report, where)
            # the good file's preview (Finnish): confirm it as the user would
            confirm = [f for f in forms_of(html, form["action"]) if "confirm" in f["action"]]
            if not confirm:
                said = re.findall(r'role="alert">([^<]*)<', html)[:8]
                report.errors.append(
                    f"fi POST {form['action']}: the preview offers no confirmation: {said}"
                )
                continue
            data = {n: v for n, v, _k in confirm[0]["fields"] if v is not None}
            response = client.post(
                confirm[0]["action"], data, follow=True, HTTP_ACCEPT_LANGUAGE="fi"
            )
            where = f"POST {confirm[0]['action']} (confirm)"
            report.answer(response.status_code, response.content.decode(), "fi", where)
            if response.status_code < 500:
                browser.show(response.content.decode(), report, where)
            address = f"kaisa.kokeilu{n}@example.fi"
            if not ContactPoint.objects.filter(kind="email", value=address).exists():
                report.errors.append(f"fi {where}: the confirmed import did not import its row")
    finally:
        browser.close()
    return len(forms)


# --- the language menu -------------------------------------------------------------------------


def switch_language(client: Client, chromium: Any, report: Report) -> None:
    """The language menu as a user uses it, from an English dashboard: Finnish, then Swedish,
    then English; each time the page must come back in the chosen language (its `lang` and
    its words)."""
    client.cookies["django_language"] = "en"
    if chromium is None:
        html = client.get("/staff/").content.decode()
        for lang in ("fi", "sv", "en"):
            menu = [f for f in _all_forms(html) if f["action"].startswith("/i18n/")]
            if not menu:
                report.errors.append(f"{lang} /staff/: no language menu")
                return
            data = {n: v for n, v, _k in menu[0]["fields"] if v is not None}
            response = client.post(menu[0]["action"], {**data, "language": lang}, follow=True)
            html = response.content.decode()
            _came_back(report, lang, response.status_code, html)
        return
    context, answers = client_context(chromium, client, "en")
    try:
        page = context.new_page()
        page.goto("/staff/")
        for lang in ("fi", "sv", "en"):
            with page.expect_navigation():
                page.select_option("select[name=language]", lang)
            # the redirect after the switch is followed by the test client: the page shown
            # is the one it leads to (`next`: the dashboard)
            status, html = answers.get("/staff/", (0, ""))
            if page.locator("html").get_attribute("lang") != lang:
                report.errors.append(f"{lang} /staff/: the language menu did not switch to {lang}")
            _came_back(report, lang, status, page.content())
    finally:
        context.close()


def _all_forms(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _came_back(report: Report, lang: str, status: int, html: str) -> None:
    where = f"/staff/ after choosing {lang} in the language menu"
    if status != 200:
        report.errors.append(f"{lang} {where}: {status}")
        return
    found = re.search(r'<html lang="([a-z-]+)"', html)
    if not found or found.group(1) != lang:
        report.errors.append(f"{lang} {where}: the page came back in {found and found.group(1)}")
    report.text(html, lang, where)


# --- another group company's objects ----------------------------------------------------------


def check_foreign(client: Client, pages: list[str], role: str, report: Report) -> int:
    """The object pages the Finnish user opened, asked for by the same role of the Swedish
    group company: refused (403) or not found (404) in the user's words, never 5xx, and
    nothing of the object on the page. Returns how many pages."""
    from rekisteri.breaches.models import Breach
    from rekisteri.register.models import Controller

    # a breach without a group company is the whole group's: every DPO keeps it
    group_wide = {
        f"/staff/breaches/{pk}/"
        for pk in Breach.objects.filter(controller=None).values_list("pk", flat=True)
    }
    owner_lines = {}
    for path in pages:
        if re.search(r"/\d+/", path) and not path.startswith(tuple(group_wide)):
            client.cookies["django_language"] = "en"
            lines, _links = visible(client.get(path).content.decode())
            owner_lines[path] = set(lines)
    other = make_staff(
        f"Outsider {role.upper()[:1]}",
        [role],
        [Controller.objects.exclude(code="esimerkki-fi").order_by("pk").first()],
    )
    outsider = Client()
    outsider.force_login(other)
    for lang in LANGUAGES:
        outsider.cookies["django_language"] = lang
        home = set(visible(outsider.get("/staff/").content.decode(), lang)[0])
        for path, theirs in owner_lines.items():
            response = outsider.get(path, HTTP_ACCEPT_LANGUAGE=lang)
            where = f"{path} (as the Swedish group company's {role})"
            status = response.status_code
            if status not in (403, 404):
                report.errors.append(f"{lang} {where}: {status}, not 403 or 404")
                continue
            html = response.content.decode()
            report.text(html, lang, where)
            lines = set(visible(html, lang)[0])
            leaked = {
                line
                for line in (lines & theirs) - home
                if set(re.findall(r"[\w-]+", line)) & report.checker.user_data
            }
            if leaked:
                report.errors.append(f"{lang} {where}: shows {sorted(leaked)}")
    return len(owner_lines)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_the_users_words(
    optional_chromium: Any, register: None, role: str
) -> None:
    """Every page the role reaches, and every form's answer, in fi, sv and en: no 5xx, the
    user's words, dates in the language's format, no serious axe finding; another group
    company's same role gets a refusal for each object page."""
    from rekisteri.register.models import Controller

    user = make_staff(
        f"Crawler {role.upper()[:1]}", [role], [Controller.objects.get(code="esimerkki-fi")]
    )
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    pages, errors = crawl(client)
    assert len(pages) > 3, pages
    report = Report(role)
    report.errors += errors
    check_pages(client, optional_chromium, pages, report)
    check_foreign(client, pages, role, report)
    submit_forms(client, optional_chromium, pages, report)
    upload_files(client, optional_chromium, pages, role, report)
    switch_language(client, optional_chromium, report)
    report.assert_clean()


# --- public pages, mails, the access report ---------------------------------------------------


def _recipient() -> Any:
    """A recipient of a demo campaign (the preference centre and unsubscribe pages speak
    the recipient's language)."""
    from rekisteri.marketing.models import Campaign, CampaignRecipient
    from rekisteri.register.models import Person

    campaign = Campaign.objects.order_by("pk").first()
    assert campaign is not None, "the demo has no campaign"
    person = Person.objects.filter(controller=campaign.controller).order_by("pk").first()
    return CampaignRecipient.objects.create(
        campaign=campaign,
        person=person,
        email="kokeilu@example.fi",
        language="fi",
        token="crawl-" + "0" * 20,
        status="sent",
    )


def _public_pages(client: Client, recipient: Any) -> list[str]:
    """The public pages: the portal's, the privacy notice, a preference centre and an
    unsubscribe page, and the pages they link to."""
    start = ["/", "/privacy/", f"/m/p/{recipient.token}", f"/m/u/{recipient.token}"]
    seen: set[str] = set()
    queue = deque(start)
    pages: list[str] = []
    while queue:
        path = queue.popleft()
        if path in seen or len(pages) >= 30:
            continue
        seen.add(path)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(path)
        for href in visible(response.content.decode())[1]:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(("/staff/", "/static/", "/i18n/", "/api/", "/m/o/")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def _mails(report: Report) -> int:
    """Every mail template the system sends, rendered in each language with a request of
    the demo, and every message the demo put in the outbox: the user's words, dates in the
    language's format."""
    from pathlib import Path

    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    import rekisteri
    from rekisteri.mail.models import Message
    from rekisteri.mail.outbox import content_of
    from rekisteri.rights.models import RightsRequest as Request
    from rekisteri.rights.selectors import supervisory_authorities

    request = Request.objects.order_by("pk").first()
    assert request is not None
    folder = Path(rekisteri.__file__).parent / "rights" / "templates" / "rights" / "email"
    templates = sorted(p.name for p in folder.glob("*.txt") if not p.name.startswith("_"))
    for lang in LANGUAGES:
        with translation.override(lang):
            context = {
                "request": request,
                "authorities": supervisory_authorities(),
                "lang": lang,
                "download_url": "https://example.com/d",
                "download_days": 7,
                "kept": 2,
                "status_url": "https://example.com/s",
                "verify_url": "https://example.com/v",
                "hours": 24,
                "reference": request.reference,
                "deadline": timezone.localdate(),
                "overdue": True,
                "days": 3,
                "url": "https://example.com/r",
            }
            for name in templates:
                text = render_to_string(f"rights/email/{name}", context)
                lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
                report.findings += [
                    f"{lang} mail {name}: {f}" for f in report.checker.findings(lines, lang)
                ]
    count = 0
    for message in Message.objects.select_related("controller", "person").order_by("pk")[:200]:
        subject, body = content_of(message)
        lines = [" ".join(line.split()) for line in [subject, *body.splitlines()] if line.strip()]
        # in the language it was written in (the request's, the person's, the DPO's): the
        # same checks as a page's, dates included
        lang = _message_language(message)
        report.text(
            "\n".join(f"<p>{escape(line)}</p>" for line in lines),
            lang,
            f"outbox message {message.pk} ({message.kind})",
        )
        count += 1
    return len(templates) + count


def _message_language(message: Any) -> str:
    """The language a message of the outbox was written in, as its sender chose it: a rights
    notice in its request's language (or its person's), a deadline reminder in the group
    company's country's, a subscription confirmation in the person's."""
    from rekisteri.mail.models import MessageKind
    from rekisteri.rights.models import RightsRequest
    from rekisteri.rights.reminders import _LANGUAGES

    if message.kind == MessageKind.DEADLINE_REMINDER:
        return _LANGUAGES.get(message.controller.country, "en") if message.controller else "en"
    label, _sep, pk = message.reference.partition(":")
    if label == "rights.RightsRequest" and pk.isdigit():
        lang = RightsRequest.objects.filter(pk=int(pk)).values_list("language", flat=True).first()
        if lang:
            return lang
    if message.person is not None and message.person.language in LANGUAGES:
        return message.person.language
    return "fi"


def _access_reports(chromium: Any, report: Report) -> None:
    """The data subject's report.html, for the demo person with the most disclosures, in
    each language: the user's words, dates in the language's format; axe at 360 px."""
    import zipfile

    from django.db.models import Count

    from rekisteri.access.selectors import system_scope
    from rekisteri.audit.services import Actor
    from rekisteri.register.models import Person
    from rekisteri.rights.packages import access_package_build

    person = (
        Person.objects.annotate(n=Count("disclosures", distinct=True)).order_by("-n", "pk").first()
    )
    assert person is not None
    for lang in LANGUAGES:
        path = access_package_build(
            scope=system_scope("crawl test"),
            actor=Actor("crawl test"),
            person_ids=[person.pk],
            lang=lang,
        )
        with zipfile.ZipFile(path) as package:
            html = package.read("report.html").decode()
        report.text(html, lang, "report.html")
        if chromium is not None:
            context = chromium.new_context(locale=lang, viewport={"width": 360, "height": 740})
            try:
                page = context.new_page()
                page.set_content(html)
                report.axe += serious_violations(page, f"{lang} report.html (360 px)")
            finally:
                context.close()


def test_public_pages_mails_and_report_speak_the_users_words(
    optional_chromium: Any, register: None
) -> None:
    """The public pages (portal, notice, preference centre, unsubscribe and what they link
    to) at 360 px, the mails and the data subject's report.html, in fi, sv and en."""
    from rekisteri.marketing.models import CampaignRecipient

    client = Client()
    recipient = _recipient()
    pages = _public_pages(client, recipient)
    assert len(pages) >= 4, pages
    report = Report("public")

    def speak(lang: str) -> None:
        CampaignRecipient.objects.filter(pk=recipient.pk).update(language=lang)

    check_pages(client, optional_chromium, pages, report, width=360, before=speak)
    assert _mails(report) > 5
    _access_reports(optional_chromium, report)
    report.assert_clean()
    # dates were seen in every language, each in its own format
    assert all(report.dated.values()), report.dated
