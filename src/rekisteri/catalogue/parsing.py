"""Parsing a catalogue file: TOML, then the typed models, then the checks across sections.

Every problem is reported with its key and line. tomllib reports a syntax error with its
line; pydantic and the cross-checks report a location such as
`purposes[3].legal_bases[1].interest`, and `LineIndex` finds its line from the file's
headers and keys (tomllib keeps no positions).
"""

from __future__ import annotations

import re
import tomllib
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from rekisteri.catalogue.schema import (
    COMBINE,
    LEGACY_ROLE_KEYS,
    SECTIONS,
    TABLES,
    Anchor,
    Catalogue,
    CatalogueError,
    CatalogueIssue,
    Purpose,
    Recipient,
    Role,
)

# --- Where each key is ------------------------------------------------------------------------


class LineIndex:
    """Where each table, `[[section]]` entry and key starts, by 1-based line.

    Keys of a multi-line array of inline tables (`legal_bases = [` … `]`) are indexed per
    element too, as `legal_bases[1]`.
    """

    _header = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\-]+)\s*\]\]")
    _table = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]")
    _key = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=\s*(.*)$")
    _strings = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')

    def __init__(self, text: str) -> None:
        self.top: dict[str, int] = {}
        self.tables: dict[str, dict[str, int]] = {}
        self.entries: dict[str, list[tuple[int, dict[str, int]]]] = {}
        current = self.top
        array: str | None = None
        element = 0
        for lineno, line in enumerate(text.splitlines(), start=1):
            if array is not None:
                stripped = self._code(line).strip()
                if stripped.startswith("]"):
                    array = None
                    continue
                found = self._elements(stripped)
                for n in range(element, element + found):
                    current.setdefault(f"{array}[{n}]", lineno)
                element += found
                continue
            if m := self._header.match(line):
                keys: dict[str, int] = {"": lineno}
                self.entries.setdefault(m.group(1), []).append((lineno, keys))
                current = keys
            elif m := self._table.match(line):
                current = self.tables.setdefault(m.group(1), {"": lineno})
            elif m := self._key.match(line):
                key = m.group(1)
                current.setdefault(key, lineno)
                value = self._code(m.group(2)).strip()
                if value.startswith("[") and value.count("[") > value.count("]"):
                    array, element = key, self._elements(value[1:])
                    for n in range(element):
                        current.setdefault(f"{key}[{n}]", lineno)

    @classmethod
    def _code(cls, line: str) -> str:
        """The line without its strings and comment (what brackets and braces count)."""
        return cls._strings.sub('""', line).split("#", 1)[0]

    @staticmethod
    def _elements(text: str) -> int:
        """How many inline tables start on this line of an array."""
        depth = count = 0
        for ch in text:
            if ch == "{":
                if depth == 0:
                    count += 1
                depth += 1
            elif ch == "}":
                depth -= 1
        return count

    def line(self, loc: tuple[Any, ...]) -> int | None:
        """The line of a location such as ('purposes', 3, 'legal_bases', 1, 'interest')."""
        for cut in range(len(loc), 0, -1):
            head, rest = loc[:cut], loc[cut:]
            if isinstance(head[-1], int):
                name = ".".join(str(p) for p in head[:-1])
                found = self.entries.get(name, [])
                if all(isinstance(p, str) for p in head[:-1]) and head[-1] < len(found):
                    return self._within(found[head[-1]][1], rest)
            elif all(isinstance(p, str) for p in head):
                name = ".".join(head)
                if name in self.tables:
                    return self._within(self.tables[name], rest)
                if name in self.entries and not rest:
                    return self.entries[name][0][0]
        return self._within(self.top, loc) if loc else None

    @staticmethod
    def _within(keys: dict[str, int], rest: tuple[Any, ...]) -> int | None:
        if rest and isinstance(rest[0], str):
            if len(rest) > 1 and isinstance(rest[1], int):
                element = keys.get(f"{rest[0]}[{rest[1]}]")
                if element is not None:
                    return element
            if rest[0] in keys:
                return keys[rest[0]]
        return keys.get("")


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


# --- Validation -------------------------------------------------------------------------------

_MESSAGES = {
    "missing": "is required",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "tuple_type": "must be a list [ … ]",
    "list_type": "must be a list [ … ]",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "date_type": 'must be a date written "YYYY-MM-DD"',
}


def _issue_message(error: Any) -> str:
    kind = error["type"]
    if kind == "too_short":
        return "must not be empty" if error["input"] not in (None, "") else "is required"
    if kind == "literal_error":
        return f"{error['input']!r} is not one of: {error['ctx']['expected']}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return _MESSAGES.get(kind, error["msg"])


#: keys of the first format, and where an error in their converted form belongs
_LEGACY_PURPOSE_KEYS = {"legal_basis", "legitimate_interest"}
_LEGACY_RECIPIENT_KEYS = {"function"}


class _Validator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.issues: list[CatalogueIssue] = []
        self.warnings: list[CatalogueIssue] = []

    def err(self, loc: tuple[Any, ...], message: str) -> None:
        self.issues.append(CatalogueIssue(_path(loc), self.lines.line(loc), message))

    def warn(self, loc: tuple[Any, ...], message: str) -> None:
        self.warnings.append(CatalogueIssue(_path(loc), self.lines.line(loc), message))

    def run(self) -> Catalogue:
        try:
            raw = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise CatalogueError(
                [CatalogueIssue("(syntax)", int(m.group(1)) if m else None, str(exc))]
            ) from exc
        for key in raw:
            if key not in (*SECTIONS, *TABLES, "version"):
                self.err(
                    (key,),
                    f"unknown key; expected one of version, {', '.join(SECTIONS + TABLES)}",
                )
        for section in SECTIONS:
            entries = raw.get(section, [])
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                self.err((section,), f"must be an array of tables: [[{section}]]")
                raw[section] = []
        for i, role in enumerate(raw.get("roles", [])):
            for key in LEGACY_ROLE_KEYS:
                if key in role:
                    self.err(
                        ("roles", i, key),
                        "a role reaches work only through its purposes: list the "
                        "capabilities on the purposes instead (`rekisteri catalogue migrate "
                        "FILE` converts an older catalogue)",
                    )
        self._unknown_keys(raw, Catalogue, ())
        catalogue = None
        try:
            catalogue = Catalogue.model_validate(raw)
        except ValidationError as exc:
            errors = exc.errors()
            deeper = {tuple(e["loc"][:n]) for e in errors for n in range(len(e["loc"]))}
            for error in errors:
                if tuple(error["loc"]) in deeper:
                    continue  # a list is too short because its item failed: name the item
                loc = self._legacy_loc(raw, tuple(error["loc"]))
                message = _issue_message(error)
                if loc[-1:] in (("legal_bases",), ("legal_basis",)) and error["type"] in (
                    "missing",
                    "too_short",
                ):
                    message = (
                        "is required: legal_bases = [ { basis = … } ] (or legal_basis = … "
                        "for a purpose on one basis)"
                    )
                self.err(loc, message)
        if catalogue is not None:
            self._cross_check(catalogue)
        if self.issues:
            raise CatalogueError(self.issues)
        assert catalogue is not None
        return catalogue

    def _unknown_keys(self, raw: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> None:
        if not isinstance(raw, dict):
            return
        fields = {f.alias or name: name for name, f in model.model_fields.items()}
        allowed = set(fields)
        if model is Purpose:
            allowed |= _LEGACY_PURPOSE_KEYS
        elif model is Recipient:
            allowed |= _LEGACY_RECIPIENT_KEYS
        elif model is Role:
            allowed |= set(LEGACY_ROLE_KEYS)  # reported above with their own message
        elif model is Anchor:
            allowed |= set(COMBINE)
        for key, value in raw.items():
            if model is Catalogue and key not in allowed:
                continue  # reported in run()
            if key not in allowed:
                self.err(
                    (*loc, key),
                    "unknown key; expected one of "
                    + ", ".join(COMBINE if model is Anchor else sorted(fields)),
                )
                continue
            if key not in fields:  # a first-format key
                continue
            nested = _nested_model(model, fields[key])
            if nested is None:
                continue
            kind, inner = nested
            if kind == "one":
                self._unknown_keys(value, inner, (*loc, key))
            elif kind == "many" and isinstance(value, list):
                for i, item in enumerate(value):
                    self._unknown_keys(item, inner, (*loc, key, i))
            elif kind == "map" and isinstance(value, dict):
                for k, item in value.items():
                    self._unknown_keys(item, inner, (*loc, key, k))

    @staticmethod
    def _legacy_loc(raw: dict[str, Any], loc: tuple[Any, ...]) -> tuple[Any, ...]:
        """An error in a converted first-format key names the key as written."""
        if len(loc) >= 3 and loc[0] == "purposes" and loc[2] == "legal_bases":
            entry = raw["purposes"][loc[1]] if loc[1] < len(raw.get("purposes", [])) else {}
            if "legal_bases" not in entry:
                tail = loc[3:]
                # the entry's own check is the one on its interest
                if len(tail) == 1 or (len(tail) > 1 and tail[1] == "interest"):
                    return (*loc[:2], "legitimate_interest")
                return (*loc[:2], "legal_basis")
        if len(loc) > 3 and loc[0] == "retention" and loc[2] == "anchor":
            entry = raw["retention"][loc[1]] if loc[1] < len(raw.get("retention", [])) else {}
            if isinstance(entry.get("anchor"), str):  # one anchor, written as a string
                return loc[:3]
        if len(loc) >= 3 and loc[0] == "recipients" and loc[2] == "functions":
            entry = raw["recipients"][loc[1]] if loc[1] < len(raw.get("recipients", [])) else {}
            if "function" in entry:
                return (*loc[:2], "function")
        return loc

    def _cross_check(self, cat: Catalogue) -> None:
        codes = {section: set(cat.codes(section)) for section in SECTIONS}
        for section in SECTIONS:
            seen: set[str] = set()
            for i, entry in enumerate(getattr(cat, section)):
                if entry.code in seen:
                    self.err((section, i, "code"), f"{entry.code!r} is used twice")
                seen.add(entry.code)
        for i, c in enumerate(cat.controllers):
            if not c.business_id:
                self.warn(
                    ("controllers", i),
                    f"{c.code!r} states no business ID; the notice and the record of "
                    "processing name the company without one",
                )
        for i, p in enumerate(cat.purposes):
            self._refs(("purposes", i, "categories"), p.categories, codes["categories"], "category")
            self._refs(("purposes", i, "sources"), p.sources, codes["sources"], "source")
            self._refs(
                ("purposes", i, "recipients"), p.recipients, codes["recipients"], "recipient"
            )
            self._refs(
                ("purposes", i, "controllers"), p.controllers, codes["controllers"], "controller"
            )
        covered: set[str] = set()
        for i, r in enumerate(cat.retention):
            if r.category not in codes["categories"]:
                self.err(
                    ("retention", i, "category"),
                    f"names category {r.category!r}, which the catalogue does not declare",
                )
            covered.add(r.category)
        for i, c in enumerate(cat.categories):
            if c.code not in covered:
                self.err(("categories", i, "code"), f"category {c.code!r} has no retention rule")
        for i, role in enumerate(cat.roles):
            self._refs(("roles", i, "purposes"), role.purposes, codes["purposes"], "purpose")

    def _refs(self, loc: tuple[Any, ...], values: Any, known: set[str], what: str) -> None:
        for code in values:
            if code not in known:
                verb = "declare" if what == "category" else "define"
                self.err(loc, f"names {what} {code!r}, which the catalogue does not {verb}")


def _nested_model(model: type[BaseModel], key: str) -> tuple[str, type[BaseModel]] | None:
    """('one'|'many'|'map', Model) when the field holds a model, a list or a map of them."""
    annotation = model.model_fields[key].annotation
    for _ in range(3):  # unwrap Annotated / Optional
        if typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
        args = typing.get_args(annotation)
        if type(None) in args and len(args) == 2:  # X | None
            annotation = next(a for a in args if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "one", annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (tuple, list) and args:
        inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "many", inner
    if origin is dict and len(args) == 2:
        inner = args[1]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "map", inner
    return None


def validate(text: str, *, warnings: list[CatalogueIssue] | None = None) -> Catalogue:
    validator = _Validator(text)
    catalogue = validator.run()
    if warnings is not None:
        warnings.extend(validator.warnings)
    return catalogue
