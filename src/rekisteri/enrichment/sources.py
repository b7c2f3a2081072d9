"""Reading the trade registers' own formats into one shape (`RegisterCompany`).

- PRH's open data API v3 (`/opendata-ytj-api/v3/companies?businessId=…`): the JSON
  `{"totalResults": n, "companies": [...]}`, or one company object of it. Codes as PRH
  publishes them: names[].type "1" is the company's name, addresses[].type 1 the street
  address and 2 the postal address, languageCode "1" Finnish, "2" Swedish, "3" English,
  tradeRegisterStatus "1" registered in the trade register ("0": not in it; any other: no
  longer registered), companySituations[] the ongoing liquidation, bankruptcy or
  reorganisation, endDate the day the company ended.
- Bolagsverket's bulk file of organisations (värdefulla datamängder, "bulkfil"): a text
  file, semicolon-separated with a header row, in a ZIP or not; a field's parts are separated
  by `$` (`5560000000$ORGNR-IDORG`, `Namn AB$FORETAGSNAMN-ORGNAM$2020-01-01`, the postal
  address `street$c/o$city$postcode$country`).

Nothing here writes: a file is read whole and checked first, and every error names where it
is (the JSON element's path, or the file's line and column), so that a command writes
nothing from a file with one bad record.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from stdnum import exceptions as stdnum_exc
from stdnum.fi import ytunnus
from stdnum.se import orgnr

from rekisteri.enrichment.models import Procedure, Register, RegisterStatus, ReviewReason

#: PRH's language codes, in the order we take a description in: Finnish, Swedish, English
PRH_LANGUAGES = ("1", "2", "3")
#: PRH's company situations (code set SELTILA/KONK/SANE) by the words we show
PRH_SITUATIONS = {
    "SELTILA": Procedure.LIQUIDATION,
    "KONK": Procedure.BANKRUPTCY,
    "SANE": Procedure.REORGANISATION,
}
#: Bolagsverket's ongoing procedures (pågående avvecklings- eller omstruktureringsförfarande)
BV_PROCEDURES = {
    "LI": Procedure.LIQUIDATION,
    "KK": Procedure.BANKRUPTCY,
    "RE": Procedure.REORGANISATION,
    "FR": Procedure.REORGANISATION,
    "FU": Procedure.MERGER,
    "DE": Procedure.MERGER,
}
BV_COLUMNS = (
    "organisationsidentitet",
    "namnskyddslopnummer",
    "registreringsland",
    "organisationsnamn",
    "organisationsform",
    "avregistreringsdatum",
    "avregistreringsorsak",
    "pagandeAvvecklingsEllerOmstruktureringsforfarande",
    "registreringsdatum",
    "verksamhetsbeskrivning",
    "postadress",
)
#: Bolagsverket's forms of organisation we name in words; others are shown as the register
#: writes them
BV_FORMS = {
    "AB": "Aktiebolag",
    "HB": "Handelsbolag",
    "KB": "Kommanditbolag",
    "EF": "Enskild näringsidkare",
    "E": "Enskild näringsidkare",
    "EK": "Ekonomisk förening",
    "BRF": "Bostadsrättsförening",
    "I": "Ideell förening",
    "S": "Stiftelse",
    "FL": "Filial",
}
INDUSTRY_MAX = 100


class SourceError(ValueError):
    """A file or response that is not what the register publishes, with where it is wrong."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Value:
    """A value of an organisation field as the register gives it, and since when (None: the
    register does not say)."""

    value: str
    since: date | None = None


@dataclass
class RegisterCompany:
    register: str
    country: str
    business_id: str
    #: where in the input it came from (JSON path or file line), for messages
    where: str
    values: dict[str, Value] = field(default_factory=dict)
    company_form: str = ""
    registration_date: date | None = None
    end_date: date | None = None
    status: str = ""
    procedures: list[str] = field(default_factory=list)
    modified: datetime | None = None

    @property
    def review_reason(self) -> str:
        if self.status == RegisterStatus.ENDED or (
            self.end_date and self.status != RegisterStatus.STRUCK_OFF
        ):
            return ReviewReason.ENDED
        if self.status == RegisterStatus.STRUCK_OFF:
            return ReviewReason.STRUCK_OFF
        if self.procedures:
            return ReviewReason.WINDING_UP
        return ReviewReason.NONE


# --- business IDs ------------------------------------------------------------------------


def check_ytunnus(value: str, where: str = "") -> str:
    """A Y-tunnus as 1234567-8, or SourceError naming it and why it fails the check."""
    try:
        return ytunnus.format(ytunnus.validate(value))
    except stdnum_exc.InvalidChecksum:
        raise SourceError(
            where,
            f"{value!s} is not a valid business ID (Y-tunnus): the check digit does not match",
        ) from None
    except stdnum_exc.ValidationError:
        raise SourceError(
            where,
            f"{value!s} is not a valid business ID (Y-tunnus): it is not 7 digits, a dash and a check digit",
        ) from None


def check_orgnr(value: str, where: str = "") -> str:
    try:
        return orgnr.format(orgnr.validate(value))
    except stdnum_exc.ValidationError:
        raise SourceError(where, f"{value!s} is not a valid Swedish organisationsnummer") from None


# --- PRH (YTJ) JSON ---------------------------------------------------------------------


def _obj(x: Any, where: str) -> dict[str, Any]:
    if not isinstance(x, dict):
        raise SourceError(where, "expected an object")
    return x


def _list(parent: dict[str, Any], key: str, where: str) -> list[Any]:
    x = parent.get(key)
    if x is None:
        return []
    if not isinstance(x, list):
        raise SourceError(f"{where}.{key}", "expected a list")
    return x


def _str(parent: dict[str, Any], key: str, where: str) -> str:
    x = parent.get(key)
    if x is None:
        return ""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    if not isinstance(x, str):
        raise SourceError(f"{where}.{key}", "expected text")
    return " ".join(x.split())


def _date(parent: dict[str, Any], key: str, where: str) -> date | None:
    text = _str(parent, key, where)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise SourceError(f"{where}.{key}", f"{text!r} is not a date (yyyy-mm-dd)") from None


def _datetime(parent: dict[str, Any], key: str, where: str) -> datetime | None:
    text = _str(parent, key, where)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise SourceError(f"{where}.{key}", f"{text!r} is not a date and time") from None
    # PRH writes Finnish local time without a zone
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _description(item: dict[str, Any], where: str) -> str:
    texts: dict[str, str] = {}
    for i, d in enumerate(_list(item, "descriptions", where)):
        d = _obj(d, f"{where}.descriptions[{i}]")
        texts.setdefault(
            _str(d, "languageCode", f"{where}.descriptions[{i}]"),
            _str(d, "description", f"{where}.descriptions[{i}]"),
        )
    for lang in PRH_LANGUAGES:
        if texts.get(lang):
            return texts[lang]
    return ""


def _current(items: list[tuple[str, dict[str, Any]]]) -> tuple[str, dict[str, Any]] | None:
    """The item without an end date that was registered last (else the last one to end)."""
    if not items:
        return None
    ongoing = [(w, i) for w, i in items if not i.get("endDate")]
    pool = ongoing or items
    return max(
        pool,
        key=lambda wi: (str(wi[1].get("registrationDate") or ""), -int(wi[1].get("version") or 0)),
    )


def _street_line(address: dict[str, Any], where: str) -> str:
    street = _str(address, "street", where)
    parts = [street, _str(address, "buildingNumber", where), _str(address, "entrance", where)]
    apartment = _str(address, "apartmentNumber", where) + _str(address, "apartmentIdSuffix", where)
    parts.append(apartment)
    line = " ".join(p for p in parts if p)
    if not street:
        box = _str(address, "postOfficeBox", where)
        line = f"PL {box}" if box else ""
    return line


def prh_company(raw: Any, where: str) -> RegisterCompany:
    """One company object of PRH's v3 response, checked, in our shape."""
    c = _obj(raw, where)
    bid = _obj(c.get("businessId"), f"{where}.businessId")
    value = _str(bid, "value", f"{where}.businessId")
    if not value:
        raise SourceError(f"{where}.businessId.value", "the business ID is missing")
    company = RegisterCompany(
        register=Register.YTJ,
        country="FI",
        business_id=check_ytunnus(value, f"{where}.businessId.value"),
        where=where,
    )
    names = [
        (f"{where}.names[{i}]", _obj(n, f"{where}.names[{i}]"))
        for i, n in enumerate(_list(c, "names", where))
    ]
    current = _current([(w, n) for w, n in names if _str(n, "type", w) == "1"])
    if current:
        w, n = current
        name = _str(n, "name", w)
        if name:
            company.values["name"] = Value(name[:255], _date(n, "registrationDate", w))
    addresses = [
        (f"{where}.addresses[{i}]", _obj(a, f"{where}.addresses[{i}]"))
        for i, a in enumerate(_list(c, "addresses", where))
    ]
    for kind in ("1", "2"):
        found = [(w, a) for w, a in addresses if _str(a, "type", w) == kind]
        if found:
            w, a = found[0]
            since = _date(a, "registrationDate", w)
            street = _street_line(a, w)
            cities: dict[str, str] = {}
            for j, po in enumerate(_list(a, "postOffices", w)):
                po = _obj(po, f"{w}.postOffices[{j}]")
                cities.setdefault(
                    _str(po, "languageCode", f"{w}.postOffices[{j}]"),
                    _str(po, "city", f"{w}.postOffices[{j}]"),
                )
            city = next((cities[lang] for lang in PRH_LANGUAGES if cities.get(lang)), "")
            if street:
                company.values["street"] = Value(street[:255], since)
            if _str(a, "postCode", w):
                company.values["postal_code"] = Value(_str(a, "postCode", w)[:20], since)
            if city:
                company.values["city"] = Value(city.title()[:100], since)
            break
    if c.get("mainBusinessLine") is not None:
        w = f"{where}.mainBusinessLine"
        line = _obj(c["mainBusinessLine"], w)
        text = _description(line, w)
        if text:
            if len(text) > INDUSTRY_MAX:
                text = text[: INDUSTRY_MAX - 1] + "…"
            company.values["industry"] = Value(text, _date(line, "registrationDate", w))
    if c.get("website") is not None:
        w = f"{where}.website"
        site = _obj(c["website"], w)
        url = _str(site, "url", w)
        if url:
            if not url.startswith(("http://", "https://")):
                url = "https://" + url
            company.values["website"] = Value(url[:200], _date(site, "registrationDate", w))
    forms = [
        (f"{where}.companyForms[{i}]", _obj(f, f"{where}.companyForms[{i}]"))
        for i, f in enumerate(_list(c, "companyForms", where))
    ]
    form = _current(forms)
    if form:
        company.company_form = _description(form[1], form[0])[:255]
    company.registration_date = _date(c, "registrationDate", where) or _date(
        bid, "registrationDate", f"{where}.businessId"
    )
    company.end_date = _date(c, "endDate", where)
    company.modified = _datetime(c, "lastModified", where)
    status = _str(c, "tradeRegisterStatus", where)
    if company.end_date:
        company.status = RegisterStatus.ENDED
    elif status == "1":
        company.status = RegisterStatus.REGISTERED
    elif status == "0":
        company.status = RegisterStatus.NOT_REGISTERED
    elif status:
        company.status = RegisterStatus.STRUCK_OFF
    for i, s in enumerate(_list(c, "companySituations", where)):
        w = f"{where}.companySituations[{i}]"
        s = _obj(s, w)
        if _date(s, "endDate", w):
            continue
        proc = PRH_SITUATIONS.get(_str(s, "type", w).upper(), Procedure.OTHER)
        if proc not in company.procedures:
            company.procedures.append(proc)
    return company


def parse_prh(text: str, name: str = "") -> list[RegisterCompany]:
    """PRH's response (or one company of it), every company checked; SourceError with the
    line and column of malformed JSON, or the element's path."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            name, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if isinstance(doc, dict) and "companies" in doc:
        items = _list(doc, "companies", "")
        paths = [f"companies[{i}]" for i in range(len(items))]
    elif isinstance(doc, dict) and "businessId" in doc:
        items, paths = [doc], ["company"]
    else:
        raise SourceError(
            name, 'not a response of PRH\'s companies API (no "companies" list, no company)'
        )
    out = []
    for raw, path in zip(items, paths, strict=True):
        try:
            out.append(prh_company(raw, path))
        except SourceError as exc:
            raise SourceError(f"{name}: {exc.where}" if name else exc.where, exc.message) from None
    return out


# --- Bolagsverket's bulk file -------------------------------------------------------------


def _bv_parts(value: str) -> list[str]:
    return [p.strip() for p in value.split("$")]


def _bv_code(value: str) -> str:
    """'AB-ORGFO' → 'AB'; 'OVERK-AVORG' → 'OVERK'."""
    return value.split("$")[0].rsplit("-", 1)[0].strip() if value else ""


def _bv_date(value: str, where: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise SourceError(where, f"{value!r} is not a date (yyyy-mm-dd)") from None


def bv_is_person(row: dict[str, str]) -> bool:
    """A sole trader's row is identified by a personal identity number (PERSON-IDORG):
    personal data we have no purpose to read, so such rows are skipped unread."""
    parts = _bv_parts(row["organisationsidentitet"])
    return len(parts) > 1 and parts[1].upper().startswith("PERSON")


def bv_row(row: dict[str, str], where: str) -> RegisterCompany:
    ident = _bv_parts(row["organisationsidentitet"])[0]
    if not ident:
        raise SourceError(f"{where}, organisationsidentitet", "the organisation number is missing")
    company = RegisterCompany(
        register=Register.BOLAGSVERKET,
        country="SE",
        business_id=check_orgnr(ident, f"{where}, organisationsidentitet"),
        where=where,
    )
    # Several names are separated by '|'; the company's name is the FORETAGSNAMN one.
    names = [_bv_parts(n) for n in row["organisationsnamn"].split("|") if n.strip()]
    chosen = next((n for n in names if len(n) > 1 and n[1].startswith("FORETAGSNAMN")), None)
    chosen = chosen or (names[0] if names else None)
    if chosen and chosen[0]:
        since = _bv_date(chosen[2], f"{where}, organisationsnamn") if len(chosen) > 2 else None
        company.values["name"] = Value(chosen[0][:255], since)
    form = _bv_code(row["organisationsform"])
    company.company_form = BV_FORMS.get(form, form)
    company.registration_date = _bv_date(row["registreringsdatum"], f"{where}, registreringsdatum")
    company.end_date = _bv_date(row["avregistreringsdatum"], f"{where}, avregistreringsdatum")
    company.status = RegisterStatus.STRUCK_OFF if company.end_date else RegisterStatus.REGISTERED
    # each ongoing procedure is "CODE$since", several separated by '|'
    for proc in row["pagandeAvvecklingsEllerOmstruktureringsforfarande"].split("|"):
        code = _bv_code(proc)
        if code:
            p = BV_PROCEDURES.get(code, Procedure.OTHER)
            if p not in company.procedures:
                company.procedures.append(p)
    address = _bv_parts(row["postadress"]) if row["postadress"].strip() else []
    if address:
        address += [""] * (5 - len(address))
        street, _co, city, postcode = address[0], address[1], address[2], address[3]
        if street:
            company.values["street"] = Value(street[:255])
        if postcode:
            company.values["postal_code"] = Value(postcode[:20])
        if city:
            company.values["city"] = Value(city.title()[:100])
    return company


def _bv_text(path: Path) -> tuple[str, str]:
    """The bulk file's text and its name: from a ZIP (its one .txt/.csv member) or as is."""
    data = path.read_bytes()
    name = path.name
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [m for m in z.namelist() if m.lower().endswith((".txt", ".csv"))]
            if len(members) != 1:
                raise SourceError(
                    name, "the ZIP should hold one .txt or .csv file (Bolagsverket's bulk file)"
                )
            data = z.read(members[0])
            name = f"{name}: {members[0]}"
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError:
        # Older bulk files are Latin-1; every byte is a Latin-1 character, so this cannot fail.
        return data.decode("latin-1"), name


def parse_bolagsverket(path: Path) -> list[RegisterCompany]:
    text, name = _bv_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SourceError(name, "the file is empty") from None
    missing = [c for c in BV_COLUMNS if c not in header]
    if missing:
        raise SourceError(
            f"{name}, line 1", "not Bolagsverket's bulk file: missing columns " + ", ".join(missing)
        )
    out = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}, line {reader.line_num}"
            if len(row) != len(header):
                raise SourceError(where, f"{len(row)} columns, the header has {len(header)}")
            values = dict(zip(header, row, strict=True))
            if bv_is_person(values):
                continue
            out.append(bv_row(values, where))
    except csv.Error as exc:
        raise SourceError(f"{name}, line {reader.line_num}", str(exc)) from None
    return out
