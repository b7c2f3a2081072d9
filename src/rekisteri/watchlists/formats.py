"""Reading list files: OpenSanctions FtM JSON lines, EU FSF XML and the UN consolidated XML.

Each reader yields `ParsedEntry` records and raises `ListFileError` naming the line (JSON
lines) or the element path and line (XML) of the first thing it cannot read. The loader
(services.load_list) writes nothing until the whole file has been read, so a bad entry on
the last line loads nothing.

The XML readers stream with expat and keep one entry's elements at a time; entity
declarations are refused (a list file has no reason to declare any), so a crafted file
cannot expand itself.
"""

from __future__ import annotations

import json
import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from rekisteri.watchlists.models import EntitySchema, ListFormat


class ListFileError(ValueError):
    """A list file that cannot be loaded; the message names the line or element."""


@dataclass
class ParsedEntry:
    key: str
    schema: str
    names: list[str]
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def caption(self) -> str:
        return self.names[0] if self.names else self.key


SUPPORTED = tuple(f.value for f in ListFormat)


def unknown_format(what: str) -> ListFileError:
    return ListFileError(
        _("%(what)s is not a supported list format; supported formats: %(formats)s")
        % {"what": what, "formats": ", ".join(SUPPORTED)}
    )


def detect_format(path: Path) -> str:
    """The format by the file's first bytes: a JSON object, or the XML root element."""
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return ListFormat.FTM
    if head.startswith(b"<"):
        text = head.decode("utf-8", errors="replace")
        root = re.search(r"<(?![?!])([A-Za-z_][\w.:-]*)", text)
        if root:
            name = root.group(1).split(":")[-1]
            if name == "export":
                return ListFormat.EU_FSF
            if name == "CONSOLIDATED_LIST":
                return ListFormat.UN
            raise unknown_format(_("an XML file with the root element <%(root)s>") % {"root": name})
    raise unknown_format(_("this file"))


def read_entries(path: Path, format: str) -> Iterator[ParsedEntry]:
    if format == ListFormat.FTM:
        return read_ftm(path)
    if format == ListFormat.EU_FSF:
        return read_eu_fsf(path)
    if format == ListFormat.UN:
        return read_un(path)
    raise unknown_format(repr(format))


def _iso_date(value: str) -> str | None:
    """An ISO date, year-month or year as written; None if it is not one."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            date.fromisoformat(value)
            return value
        if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) or re.fullmatch(r"\d{4}", value):
            return value
    except ValueError:
        return None
    return None


# --- OpenSanctions FollowTheMoney JSON lines ------------------------------------------------

#: FtM schemata of matchable entries, by ours (a Sanction or an Address is not screened)
_FTM_SCHEMA = {
    "Person": EntitySchema.PERSON,
    "Organization": EntitySchema.ORGANISATION,
    "Company": EntitySchema.ORGANISATION,
    "LegalEntity": EntitySchema.ORGANISATION,
    "PublicBody": EntitySchema.ORGANISATION,
    "Vessel": EntitySchema.OTHER,
    "Airplane": EntitySchema.OTHER,
}


def read_ftm(path: Path) -> Iterator[ParsedEntry]:
    """FtM entities, one JSON object a line, read through followthemoney's model (which
    validates the schema and the property names). Sanction entities add their programme
    to the entry they sanction."""
    from followthemoney import model
    from followthemoney.exc import InvalidData
    from followthemoney.types import registry

    entries: dict[str, ParsedEntry] = {}
    programmes: dict[str, list[str]] = {}
    with path.open("rb") as fh:
        for number, raw_line in enumerate(fh, start=1):
            line = raw_line.strip()
            if not line:
                continue
            where = _("line %(line)d") % {"line": number}
            try:
                data = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise ListFileError(
                    _("%(where)s: not a JSON object (%(error)s)")
                    % {"where": where, "error": getattr(exc, "msg", "not UTF-8")}
                ) from None
            if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
                raise ListFileError(
                    _("%(where)s: an entity needs an id and a schema") % {"where": where}
                )
            try:
                proxy = model.get_proxy(data, cleaned=False)
            except (InvalidData, TypeError, ValueError, AttributeError) as exc:
                raise ListFileError(
                    _("%(where)s: not a FollowTheMoney entity (%(error)s)")
                    % {"where": where, "error": str(exc)[:200]}
                ) from None
            if proxy.schema.is_a("Sanction"):
                for target in proxy.get("entity"):
                    programmes.setdefault(target, []).extend(
                        proxy.get("program") + proxy.get("programId")
                    )
                continue
            schema = next(
                (ours for name, ours in _FTM_SCHEMA.items() if proxy.schema.is_a(name)), None
            )
            if schema is None:
                continue
            names = proxy.get_type_values(registry.name)
            caption = proxy.caption if proxy.caption in names else (names[0] if names else "")
            names = [caption, *[n for n in names if n != caption]] if caption else names
            if not names:
                raise ListFileError(_("%(where)s: the entity has no name") % {"where": where})
            dates = []
            for value in proxy.get("birthDate", quiet=True) + proxy.get(
                "incorporationDate", quiet=True
            ):
                iso = _iso_date(value[:10])
                if iso is None:
                    raise ListFileError(
                        _("%(where)s: %(value)s is not a date")
                        % {"where": where, "value": value[:40]}
                    )
                dates.append(iso)
            entries[proxy.id] = ParsedEntry(
                key=proxy.id,
                schema=schema,
                names=names,
                birth_dates=sorted(set(dates)),
                countries=sorted({c.lower() for c in proxy.countries}),
                topics=sorted(set(proxy.get("topics", quiet=True))),
                raw={"schema": proxy.schema.name, "properties": proxy.properties},
            )
    for key, progs in programmes.items():
        if key in entries:
            entries[key].topics = sorted(set(entries[key].topics) | set(progs))
    yield from entries.values()


# --- XML (EU FSF, UN) ----------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    path: str
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str:
        found = self.find(tag)
        return found.text.strip() if found is not None else ""

    def where(self) -> str:
        return _("element %(path)s on line %(line)d") % {"path": self.path, "line": self.line}


def stream_xml(fh: BinaryIO, entry_tags: set[str]) -> Iterator[Element]:
    """Yields each complete element whose tag is in `entry_tags`, with its subtree;
    nothing else is kept. Namespaces are dropped from tag names."""
    parser = xml.parsers.expat.ParserCreate()
    stack: list[Element] = []
    done: list[Element] = []
    counts: list[dict[str, int]] = [{}]

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1].split(":")[-1]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = local(name)
        siblings = counts[-1]
        siblings[tag] = siblings.get(tag, 0) + 1
        parent_path = stack[-1].path if stack else ""
        el = Element(
            tag,
            {local(k): v for k, v in attrs.items()},
            parser.CurrentLineNumber,
            f"{parent_path}/{tag}[{siblings[tag]}]",
        )
        if stack and (stack[-1].tag in entry_tags or _inside(stack, entry_tags)):
            stack[-1].children.append(el)
        stack.append(el)
        counts.append({})

    def end(name: str) -> None:
        el = stack.pop()
        counts.pop()
        if el.tag in entry_tags and not _inside(stack, entry_tags):
            done.append(el)

    def chars(data: str) -> None:
        if stack and (stack[-1].tag in entry_tags or _inside(stack, entry_tags)):
            stack[-1].text += data

    def refuse_entities(*args: Any) -> None:
        raise ListFileError(
            _("line %(line)d: the file declares an XML entity, which a list file does not")
            % {"line": parser.CurrentLineNumber}
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = refuse_entities
    while True:
        chunk = fh.read(1 << 16)
        try:
            parser.Parse(chunk, not chunk)
        except xml.parsers.expat.ExpatError as exc:
            raise ListFileError(
                _("line %(line)d, column %(column)d: not well-formed XML (%(error)s)")
                % {
                    "line": exc.lineno,
                    "column": exc.offset + 1,
                    "error": xml.parsers.expat.ErrorString(exc.code),
                }
            ) from None
        yield from done
        done.clear()
        if not chunk:
            return


def _inside(stack: list[Element], entry_tags: set[str]) -> bool:
    return any(e.tag in entry_tags for e in stack)


def _bad(el: Element, message: str) -> ListFileError:
    return ListFileError(f"{el.where()}: {message}")


def read_eu_fsf(path: Path) -> Iterator[ParsedEntry]:
    """The EU Financial Sanctions Files "export" XML: sanctionEntity elements with their
    subjectType, nameAlias, birthdate, citizenship and regulation (programme)."""
    with path.open("rb") as fh:
        for el in stream_xml(fh, {"sanctionEntity"}):
            key = el.attrs.get("logicalId", "").strip()
            if not key:
                raise _bad(el, _("a sanctionEntity needs its logicalId"))
            subject = el.find("subjectType")
            code = (subject.attrs.get("code", "") if subject is not None else "").lower()
            schema = {"person": EntitySchema.PERSON, "enterprise": EntitySchema.ORGANISATION}.get(
                code, EntitySchema.OTHER
            )
            names = []
            for alias in el.findall("nameAlias"):
                whole = alias.attrs.get("wholeName", "").strip() or " ".join(
                    alias.attrs.get(p, "").strip()
                    for p in ("firstName", "middleName", "lastName")
                    if alias.attrs.get(p, "").strip()
                )
                if whole and whole not in names:
                    names.append(whole)
            if not names:
                raise _bad(el, _("a sanctionEntity needs at least one nameAlias with a name"))
            dates = []
            for birth in el.findall("birthdate"):
                value = birth.attrs.get("birthdate", "").strip() or birth.attrs.get("year", "")
                if not value:
                    continue
                iso = _iso_date(value)
                if iso is None:
                    raise _bad(birth, _("%(value)s is not a date") % {"value": value[:40]})
                dates.append(iso)
            countries = {
                c.attrs.get("countryIso2Code", "").strip().lower()
                for c in el.findall("citizenship")
            }
            countries.discard("")
            countries.discard("00")
            programmes = {
                r.attrs.get("programme", "").strip() for r in el.findall("regulation")
            } - {""}
            yield ParsedEntry(
                key=f"eu-fsf-{key}",
                schema=schema,
                names=names,
                birth_dates=sorted(set(dates)),
                countries=sorted(countries),
                topics=sorted(programmes),
                raw={
                    "logicalId": key,
                    "unitedNationId": el.attrs.get("unitedNationId", ""),
                    "designationDetails": el.attrs.get("designationDetails", ""),
                    "remark": el.child_text("remark"),
                    "names": names,
                    "birthdates": dates,
                    "citizenships": sorted(countries),
                    "programmes": sorted(programmes),
                },
            )


def _country_code(name: str) -> str | None:
    from followthemoney.types import registry

    return registry.country.clean(name)


def read_un(path: Path) -> Iterator[ParsedEntry]:
    """The UN Security Council consolidated list XML: INDIVIDUALS/INDIVIDUAL and
    ENTITIES/ENTITY, their FIRST_NAME…FOURTH_NAME, aliases, dates of birth, nationality."""
    with path.open("rb") as fh:
        for el in stream_xml(fh, {"INDIVIDUAL", "ENTITY"}):
            person = el.tag == "INDIVIDUAL"
            key = el.child_text("DATAID")
            if not key:
                raise _bad(el, _("an entry needs its DATAID"))
            whole = " ".join(
                t
                for t in (
                    el.child_text(p)
                    for p in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
                )
                if t
            )
            if not whole:
                raise _bad(el, _("an entry needs a FIRST_NAME"))
            names = [whole]
            original = el.child_text("NAME_ORIGINAL_SCRIPT")
            if original:
                names.append(original)
            for alias in el.findall("INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
                alias_name = alias.child_text("ALIAS_NAME")
                if alias_name and alias_name not in names:
                    names.append(alias_name)
            dates = []
            for birth in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
                for tag in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR"):
                    value = birth.child_text(tag)
                    if not value:
                        continue
                    iso = _iso_date(value[:10])
                    if iso is None:
                        bad = birth.find(tag)
                        raise _bad(
                            bad or birth, _("%(value)s is not a date") % {"value": value[:40]}
                        )
                    dates.append(iso)
            countries = set()
            for nationality in el.findall("NATIONALITY"):
                for value_el in nationality.findall("VALUE"):
                    value = value_el.text.strip()
                    if value:
                        found = _country_code(value)
                        if found:
                            countries.add(found.lower())
            for address in el.findall("ENTITY_ADDRESS"):
                value = address.child_text("COUNTRY")
                found = _country_code(value) if value else None
                if found:
                    countries.add(found.lower())
            programme = el.child_text("UN_LIST_TYPE")
            yield ParsedEntry(
                key=f"un-{key}",
                schema=EntitySchema.PERSON if person else EntitySchema.ORGANISATION,
                names=names,
                birth_dates=sorted(set(dates)),
                countries=sorted(countries),
                topics=[programme] if programme else [],
                raw={
                    "DATAID": key,
                    "REFERENCE_NUMBER": el.child_text("REFERENCE_NUMBER"),
                    "LISTED_ON": el.child_text("LISTED_ON"),
                    "COMMENTS1": el.child_text("COMMENTS1"),
                    "names": names,
                    "dates_of_birth": dates,
                    "nationalities": sorted(countries),
                },
            )
