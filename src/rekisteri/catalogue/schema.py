"""Parse and validate a catalogue TOML file; every error names its key and line.

tomllib reports syntax errors with their line; for semantic errors we find the line of the
offending key ourselves by indexing the file's table headers and keys (`_LineIndex`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from rekisteri.catalogue.models import (
    LegalBasis,
    Objection,
    RecipientKind,
    RetentionAction,
    RetentionAnchor,
    SourceKind,
)
from rekisteri.register.validators import InvalidValue, normalise_business_id

LANGS = ("fi", "sv", "en")
EEA = set(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
FUNCTIONS = (
    "finance",
    "marketing",
    "it",
    "logistics",
    "credit_checks",
    "authorities",
    "customer_service",
    "events",
    "kyc",
    "legal",
    "hosting",
)
SECTIONS = ("controllers", "categories", "purposes", "sources", "recipients", "retention", "roles")
#: role keys of the first catalogue format, replaced by capabilities on purposes
LEGACY_ROLE_KEYS = ("dpo", "admin", "reveal_identity_codes")
_PERIOD = re.compile(r"^\s*(\d+)\s*(day|days|month|months|year|years)\s*$")


@dataclass
class CatalogueIssue:
    key: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.key}: {self.message}"


class CatalogueError(Exception):
    def __init__(self, issues: list[CatalogueIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class Period:
    days: int = 0
    months: int = 0
    years: int = 0

    def __str__(self) -> str:
        parts = [
            f"{n} {u}"
            for n, u in ((self.years, "years"), (self.months, "months"), (self.days, "days"))
            if n
        ]
        return ", ".join(parts) or "0 days"


@dataclass
class CatalogueData:
    version: str
    raw: dict[str, Any]
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _LineIndex:
    """Where each `[[section]]` entry and each key in it starts, by 1-based line."""

    _header = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_]+)\s*\]\]")
    _table = re.compile(r"^\s*\[\s*([A-Za-z0-9_.]+)\s*\]")
    _key = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.top: dict[str, int] = {}
        self.entries: dict[str, list[tuple[int, dict[str, int]]]] = {}
        current: dict[str, int] | None = self.top
        for lineno, line in enumerate(text.splitlines(), start=1):
            if m := self._header.match(line):
                keys: dict[str, int] = {}
                self.entries.setdefault(m.group(1), []).append((lineno, keys))
                current = keys
            elif self._table.match(line):
                current = None
            elif (m := self._key.match(line)) and current is not None:
                current.setdefault(m.group(1), lineno)

    def line(
        self, section: str | None, index: int | None = None, key: str | None = None
    ) -> int | None:
        if section is None:
            return self.top.get(key or "")
        entries = self.entries.get(section, [])
        if index is None or index >= len(entries):
            return self.top.get(section)
        start, keys = entries[index]
        return keys.get(key, start) if key else start


def parse_period(value: Any) -> Period:
    if isinstance(value, int):
        return Period(days=value)
    if not isinstance(value, str):
        raise ValueError("period must be a string such as '3 months' or '10 years'")
    period = Period()
    for part in value.split("+"):
        m = _PERIOD.match(part)
        if not m:
            raise ValueError(
                f"period {value!r} is not like '3 months', '10 years' or '1 year + 6 months'"
            )
        n, unit = int(m.group(1)), m.group(2).rstrip("s")
        setattr(period, unit + "s", getattr(period, unit + "s") + n)
    return period


class _Validator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _LineIndex(text)
        self.issues: list[CatalogueIssue] = []

    def err(self, section: str | None, index: int | None, key: str | None, message: str) -> None:
        if section is None:
            path = key or "(top)"
        else:
            path = f"{section}[{index}]" if index is not None else section
            if key:
                path += f".{key}"
        self.issues.append(CatalogueIssue(path, self.lines.line(section, index, key), message))

    def run(self) -> CatalogueData:
        try:
            raw = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise CatalogueError(
                [CatalogueIssue("(syntax)", int(m.group(1)) if m else None, str(exc))]
            ) from exc
        version = raw.get("version")
        if not isinstance(version, str) or not version:
            self.err(None, None, "version", "is required: a string such as '2026-11-01'")
        for key in raw:
            if key not in (*SECTIONS, "version", "register", "authorities", "security"):
                self.err(None, None, key, f"unknown key; expected one of {', '.join(SECTIONS)}")
        data = CatalogueData(version=str(version or ""), raw=raw)
        for section in SECTIONS:
            entries = raw.get(section, [])
            if not isinstance(entries, list):
                self.err(section, None, None, "must be an array of tables: [[" + section + "]]")
                entries = []
            data.sections[section] = entries
            seen: set[str] = set()
            for i, entry in enumerate(entries):
                code = entry.get("code")
                if not isinstance(code, str) or not re.fullmatch(r"[a-z0-9_\-]+", code or ""):
                    self.err(section, i, "code", "is required: lowercase letters, digits, _ or -")
                elif code in seen:
                    self.err(section, i, "code", f"{code!r} is used twice")
                else:
                    seen.add(code)
                if section != "retention":
                    self._names(section, i, entry)
        codes = {s: {e.get("code") for e in data.sections[s]} for s in SECTIONS}
        self._controllers(data)
        self._categories(data)
        self._purposes(data, codes)
        self._sources(data)
        self._recipients(data)
        self._retention(data, codes)
        self._roles(data, codes)
        if self.issues:
            raise CatalogueError(self.issues)
        return data

    def _names(self, section: str, i: int, entry: dict[str, Any]) -> None:
        name = entry.get("name")
        if section == "controllers":
            if not isinstance(name, str) or not name:
                self.err(section, i, "name", "is required")
            return
        if not isinstance(name, dict):
            self.err(section, i, "name", "must be a table of names: { fi = …, sv = …, en = … }")
            return
        for lang in LANGS:
            if not name.get(lang):
                self.err(section, i, "name", f"has no {lang!r} name")

    def _choice(
        self,
        section: str,
        i: int,
        entry: dict[str, Any],
        key: str,
        choices: Any,
        default: Any = None,
    ) -> Any:
        value = entry.get(key, default)
        allowed = [c.value for c in choices] if hasattr(choices, "__members__") else list(choices)
        if value not in allowed:
            self.err(section, i, key, f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    def _codes(
        self, section: str, i: int, entry: dict[str, Any], key: str, known: set[Any], what: str
    ) -> None:
        value = entry.get(key, [])
        if not isinstance(value, list):
            self.err(section, i, key, "must be a list of codes")
            return
        for code in value:
            if code not in known:
                self.err(
                    section, i, key, f"names {what} {code!r}, which the catalogue does not define"
                )

    def _controllers(self, data: CatalogueData) -> None:
        if not data.sections["controllers"]:
            self.err("controllers", None, None, "at least one controller is required")
        for i, c in enumerate(data.sections["controllers"]):
            country = c.get("country", "FI")
            for key in ("business_id", "email"):
                if not c.get(key):
                    self.err("controllers", i, key, "is required")
            if c.get("business_id"):
                try:
                    normalise_business_id(str(c["business_id"]), country)
                except InvalidValue as exc:
                    self.err("controllers", i, "business_id", str(exc))

    def _categories(self, data: CatalogueData) -> None:
        if not data.sections["categories"]:
            self.err("categories", None, None, "at least one data category is required")

    def _purposes(self, data: CatalogueData, codes: dict[str, set[Any]]) -> None:
        for i, p in enumerate(data.sections["purposes"]):
            basis = self._choice("purposes", i, p, "legal_basis", LegalBasis)
            if basis == LegalBasis.LEGITIMATE_INTEREST:
                li = p.get("legitimate_interest")
                if not isinstance(li, dict) or any(not li.get(lang) for lang in LANGS):
                    self.err(
                        "purposes",
                        i,
                        "legitimate_interest",
                        "a purpose on legitimate interest states the interest in fi, sv and en",
                    )
            default_objection = (
                Objection.ABSOLUTE
                if p.get("direct_marketing")
                else Objection.BALANCING
                if basis in (LegalBasis.LEGITIMATE_INTEREST, LegalBasis.PUBLIC_TASK)
                else Objection.NONE
            )
            p.setdefault("objection", default_objection.value)
            self._choice("purposes", i, p, "objection", Objection)
            if p.get("direct_marketing") and p.get("objection") != Objection.ABSOLUTE:
                self.err(
                    "purposes",
                    i,
                    "objection",
                    "an objection to direct marketing is always absolute (Art. 21(3))",
                )
            if not p.get("categories") and not p.get("capabilities"):
                self.err(
                    "purposes",
                    i,
                    "categories",
                    "a purpose uses at least one data category (or, for work on no register "
                    "data such as user administration, names its capabilities)",
                )
            self._capabilities(i, p)
            self._codes("purposes", i, p, "categories", codes["categories"], "category")
            self._codes("purposes", i, p, "recipients", codes["recipients"], "recipient")
            self._codes("purposes", i, p, "sources", codes["sources"], "source")
            self._codes("purposes", i, p, "controllers", codes["controllers"], "controller")

    def _capabilities(self, i: int, p: dict[str, Any]) -> None:
        from rekisteri.access.capabilities import CAPABILITIES

        value = p.get("capabilities", [])
        if not isinstance(value, list):
            self.err("purposes", i, "capabilities", "must be a list of capability codes")
            return
        for code in value:
            if code not in CAPABILITIES:
                self.err(
                    "purposes",
                    i,
                    "capabilities",
                    f"{code!r} is not a capability of Rekisteri; known: "
                    + ", ".join(sorted(CAPABILITIES)),
                )

    def _sources(self, data: CatalogueData) -> None:
        for i, s in enumerate(data.sections["sources"]):
            self._choice("sources", i, s, "kind", SourceKind)

    def _recipients(self, data: CatalogueData) -> None:
        for i, r in enumerate(data.sections["recipients"]):
            self._choice("recipients", i, r, "kind", RecipientKind)
            self._choice("recipients", i, r, "function", FUNCTIONS)
            country = r.get("country")
            if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
                self.err(
                    "recipients", i, "country", "is required: an ISO 3166 code such as 'FI' or 'US'"
                )
            elif country not in EEA:
                sg = r.get("safeguard")
                if not isinstance(sg, dict) or any(not sg.get(lang) for lang in LANGS):
                    self.err(
                        "recipients",
                        i,
                        "safeguard",
                        f"a transfer to {country} (outside the EU/EEA) needs its safeguard in fi, sv and en",
                    )

    def _retention(self, data: CatalogueData, codes: dict[str, set[Any]]) -> None:
        covered: set[str] = set()
        for i, r in enumerate(data.sections["retention"]):
            category = r.get("category")
            if category not in codes["categories"]:
                self.err(
                    "retention",
                    i,
                    "category",
                    f"names category {category!r}, which the catalogue does not define",
                )
            else:
                covered.add(category)
            anchor = self._choice("retention", i, r, "anchor", RetentionAnchor)
            self._choice("retention", i, r, "action", RetentionAction, "delete")
            if anchor != RetentionAnchor.NEEDED:
                try:
                    r["_period"] = parse_period(r.get("period"))
                except ValueError as exc:
                    self.err("retention", i, "period", str(exc))
            else:
                r["_period"] = Period()
        for i, c in enumerate(data.sections["categories"]):
            if c.get("code") not in covered:
                self.err(
                    "categories", i, "code", f"category {c.get('code')!r} has no retention rule"
                )

    def _roles(self, data: CatalogueData, codes: dict[str, set[Any]]) -> None:
        for i, r in enumerate(data.sections["roles"]):
            self._codes("roles", i, r, "purposes", codes["purposes"], "purpose")
            for key in LEGACY_ROLE_KEYS:
                if key in r:
                    self.err(
                        "roles",
                        i,
                        key,
                        "a role reaches work only through its purposes: list the "
                        "capabilities on the purposes instead (`rekisteri catalogue migrate "
                        "FILE` converts an older catalogue)",
                    )


def parse_catalogue(text: str) -> CatalogueData:
    return _Validator(text).run()
