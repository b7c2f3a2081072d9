"""Reading import files: CSV (UTF-8, with or without BOM; comma, semicolon or tab) and XLSX.

A reader turns a file into a `Table`: the columns as the file names them, each mapped to
one of our field names, and the data rows numbered as the spreadsheet shows them (the
header is row 1). Headers are understood in English, Finnish and Swedish, in the forms
people's own spreadsheets use ("Sähköposti", "E-post", "y-tunnus", "Org.nr"); case, spaces,
dots, hyphens and underscores do not matter. An unknown column is an error that names it,
because a column we silently ignored would be data the user thinks was imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "given name", "etunimi", "etunimet", "förnamn"),
    "last_name": ("last name", "lastname", "surname", "family name", "sukunimi", "efternamn"),
    "email": (
        "email address",
        "e-mail",
        "sähköposti",
        "sähköpostiosoite",
        "e-post",
        "e-postadress",
        "epost",
    ),
    "phone": (
        "phone number",
        "telephone",
        "mobile",
        "puhelin",
        "puhelinnumero",
        "matkapuhelin",
        "gsm",
        "telefon",
        "telefonnummer",
        "mobil",
        "mobiltelefon",
        "mobilnummer",
    ),
    "title": ("job title", "titteli", "tehtävänimike", "nimike", "titel", "befattning"),
    "language": ("kieli", "asiointikieli", "språk", "lang"),
    "nationality": ("kansalaisuus", "nationalitet", "medborgarskap"),
    "organization_business_id": (
        "business id",
        "business_id",
        "company id",
        "organization business id",
        "organisation business id",
        "y-tunnus",
        "ytunnus",
        "yrityksen y-tunnus",
        "organisationsnummer",
        "org.nr",
        "orgnr",
        "företagets organisationsnummer",
    ),
    "organization_country": (
        "organisation country",
        "company country",
        "yrityksen maa",
        "företagets land",
    ),
    "department": ("osasto", "yksikkö", "avdelning"),
    "role": ("rooli", "roll"),
    "identity_code": (  # catalogue-free: the column name
        "personal identity code",
        "henkilötunnus",
        "hetu",
        "personnummer",
    ),
    "identity_code_country": ("henkilötunnuksen maa", "personnummrets land"),
    "is_consumer": (
        "consumer",
        "consumer customer",
        "kuluttaja",
        "kuluttaja-asiakas",
        "konsument",
        "privatkund",
    ),
}

ORGANIZATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "company",
        "company name",
        "organization",
        "organisation",
        "nimi",
        "yritys",
        "yrityksen nimi",
        "toiminimi",
        "namn",
        "företag",
        "företagsnamn",
        "firma",
    ),
    "business_id": (
        "business id",
        "company id",
        "y-tunnus",
        "ytunnus",
        "organisationsnummer",
        "org.nr",
        "orgnr",
    ),
    "country": ("maa", "land"),
    "street": (
        "street address",
        "address",
        "katuosoite",
        "osoite",
        "lähiosoite",
        "gatuadress",
        "adress",
        "utdelningsadress",
    ),
    "postal_code": ("zip", "postcode", "post code", "postinumero", "postnummer"),
    "city": ("town", "kaupunki", "postitoimipaikka", "paikkakunta", "ort", "postort", "stad"),
    "website": (
        "web site",
        "www",
        "url",
        "verkkosivut",
        "verkkosivu",
        "kotisivu",
        "kotisivut",
        "webbplats",
        "hemsida",
        "webbsida",
    ),
    "relationship": (
        "relationships",
        "suhde",
        "asiakkuus",
        "asiakassuhde",
        "relation",
        "relationstyp",
        "kundrelation",
    ),
    "industry": ("toimiala", "bransch"),
}

COLUMNS = {"persons": PERSON_COLUMNS, "organizations": ORGANIZATION_COLUMNS}
REQUIRED = {"persons": ("last_name",), "organizations": ("name",)}


def register_columns(
    kind: str, columns: dict[str, tuple[str, ...]], required: tuple[str, ...] = ()
) -> None:
    """Let another app read its own kind of file with these readers (the KYC import's
    owners, representatives and PEP statuses: kyc/importer.py): its columns with their
    English, Finnish and Swedish headers, and the ones every file of the kind must have."""
    COLUMNS[kind] = columns
    REQUIRED[kind] = required


def _kinds() -> str:
    return ", ".join(COLUMNS)


class ReadError(ValueError):
    """The file as a whole cannot be read: wrong format, unknown or missing column.

    `problems` holds the same in parts, `(kind, {param: value})`, for a page that says it
    in the user's language (imports.views); the message is the English text."""

    def __init__(self, message: str, *problems: tuple[str, dict[str, Any]]) -> None:
        super().__init__(message)
        self.problems = list(problems)


def header_key(text: str) -> str:
    """'Sähköposti ' -> 'sähköposti'; 'Y-tunnus' -> 'ytunnus'; 'First_Name' -> 'firstname'."""
    return re.sub(r"[\s_.\-/]+", "", (text or "").replace("\ufeff", "").casefold())


def _aliases(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, forms in COLUMNS[kind].items():
        for form in (name, *forms):
            table[header_key(form)] = name
    return table


def column_help(kind: str) -> str:
    return ", ".join(COLUMNS[kind])


@dataclass
class Table:
    """A file's data rows, each `(row number, {field: text})`, and the file's own headers."""

    kind: str
    labels: dict[str, str]  # field -> the header as the file writes it
    rows: Iterable[tuple[int, dict[str, str]]]
    total: int | None = None  # number of data rows, when cheap to know
    source_file: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


def map_headers(kind: str, headers: list[str]) -> tuple[list[str | None], dict[str, str]]:
    """Map each header to a field name; None for an empty header. Raise on unknown columns."""
    if kind not in COLUMNS:
        raise ReadError(f"unknown import kind {kind!r}: use {_kinds()}")
    aliases = _aliases(kind)
    fields: list[str | None] = []
    labels: dict[str, str] = {}
    problems: list[str] = []
    parts: list[tuple[str, dict[str, Any]]] = []
    for index, header in enumerate(headers):
        text = (header or "").replace("\ufeff", "").strip()
        letter = get_column_letter(index + 1)
        if not text:
            fields.append(None)
            continue
        name = aliases.get(header_key(text))
        if name is None:
            problems.append(f"row 1, column {letter} ({text}): unknown column")
            parts.append(("unknown_column", {"letter": letter, "header": text}))
        elif name in labels:
            problems.append(
                f"row 1, column {letter} ({text}): a second column for {name}"
                f" (the first is {labels[name]})"
            )
            parts.append(
                ("second_column", {"letter": letter, "header": text, "first": labels[name]})
            )
        else:
            labels[name] = text
        fields.append(name)
    if problems:
        raise ReadError(
            "\n".join(problems) + f"\nknown columns for {kind}: {column_help(kind)}"
            " (also in Finnish and Swedish, see docs/import.md)",
            *parts,
        )
    missing = [name for name in REQUIRED[kind] if name not in labels]
    if missing:
        forms = ", ".join(f"{m} ({' / '.join(COLUMNS[kind][m][:4])})" for m in missing)
        raise ReadError(
            f"row 1: the file has no column for {forms}",
            *(("missing_column", {"field": m}) for m in missing),
        )
    return fields, labels


# A row the reader could not read at all (a cell over the csv module's size limit, a broken
# sheet): `{BROKEN: reason}`. The service reports it as that row's error; reading stops there.
BROKEN = "__broken__"


def _records(
    records: Iterable[list[str]], first_row: int, errors: tuple[type[Exception], ...]
) -> Iterator[tuple[int, list[str] | str]]:
    """Each record with its row number, or at the first unreadable one, why (then stop)."""
    iterator = iter(records)
    number = first_row
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except errors as exc:
            reason = str(exc) if isinstance(exc, csv.Error) else type(exc).__name__
            yield number, f"the row cannot be read ({reason})"
            return
        yield number, record
        number += 1


def _rows(
    fields: list[str | None],
    records: Iterable[list[str]],
    first_row: int,
    errors: tuple[type[Exception], ...] = (csv.Error,),
) -> Iterator[tuple[int, dict[str, str]]]:
    named = [(i, f) for i, f in enumerate(fields) if f is not None]
    unnamed = [i for i, f in enumerate(fields) if f is None]
    width = len(fields)
    for number, record in _records(records, first_row, errors):
        if isinstance(record, str):
            yield number, {BROKEN: record}
            return
        if len(record) < width:
            record = [*record, *([""] * (width - len(record)))]
        row = {f: record[i].strip() for i, f in named}
        extra = [i for i in unnamed if record[i].strip()]
        extra += [i for i in range(width, len(record)) if record[i].strip()]
        if extra:
            # Reported as an error by the service: a value in a column without a header.
            row["__unnamed__"] = get_column_letter(extra[0] + 1)
        elif not any(row.values()):
            continue  # wholly empty rows (spreadsheets leave them) are not records
        yield number, row


#: the longest CSV cell read (the csv module's own default)
CSV_CELL_LIMIT = 131_072


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_text(text: str, kind: str, source_file: str = "") -> Table:
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    # The csv module's cell limit is process-wide, and importing followthemoney (screening)
    # raises it to the maximum: set ours for every file, so that an over-long cell is that
    # row's error whatever else the process has loaded.
    csv.field_size_limit(CSV_CELL_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ReadError("the file is empty: row 1 must hold the column headers") from None
    except csv.Error as exc:
        raise ReadError(f"row 1: the row cannot be read ({exc})") from None
    fields, labels = map_headers(kind, headers)
    total = text.count("\n") - 1 if len(text) > 1 else 0
    return Table(
        kind=kind,
        labels=labels,
        rows=_rows(fields, reader, 2),
        total=max(total, 0),
        source_file=source_file,
        extra={"delimiter": delimiter},
    )


def read_csv(path: Path, kind: str) -> Table:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError(
            f"row {line}: the file is not UTF-8 text; save it as 'CSV UTF-8' "
            "(Excel: Save as > CSV UTF-8)",
            ("not_utf8", {"row": line}),
        ) from None
    return read_csv_text(text, kind, source_file=path.name)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, kind: str) -> Table:
    from openpyxl import load_workbook

    # An uploaded workbook is untrusted input: whatever its parsing raises (the zip reader,
    # the XML parser, openpyxl) means "not readable", never a crash.
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:
        raise ReadError(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    records = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
    try:
        headers = next(records)
    except StopIteration:
        workbook.close()
        raise ReadError("the first sheet is empty: row 1 must hold the column headers") from None
    except Exception as exc:
        workbook.close()
        raise ReadError(f"row 1: the row cannot be read ({type(exc).__name__})") from None
    while headers and headers[-1] == "":
        headers.pop()
    fields, labels = map_headers(kind, headers)
    total = (sheet.max_row - 1) if sheet.max_row else None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            # A damaged sheet fails while it is read, in the XML parser or the zip reader:
            # whatever it raises, it is that row's error, never a crash.
            yield from _rows(fields, records, 2, errors=(Exception,))
        finally:
            workbook.close()

    return Table(kind=kind, labels=labels, rows=rows(), total=total, source_file=path.name)


def read_table(path: str | Path, kind: str) -> Table:
    """Read a CSV or XLSX file by its name's ending (.csv, .txt, .xlsx)."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    if kind not in COLUMNS:
        raise ReadError(f"unknown import kind {kind!r}: use {_kinds()}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, kind)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return read_csv(path, kind)
    if suffix == ".xls":
        raise ReadError("old .xls workbooks are not supported: save the file as .xlsx or CSV")
    raise ReadError(f"unsupported file type {suffix}: use .csv or .xlsx")
