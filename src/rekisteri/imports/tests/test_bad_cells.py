"""Cells that are not text a register can hold (issue 14, items 1 and 8).

NUL and other control characters in a single-line field are refused with the row and the
column named (PostgreSQL aborted the import on NUL with a traceback that named no row), and
a file the reader cannot read past some row is that row's error, never a crash.
"""

from __future__ import annotations

import csv
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from rekisteri.audit.services import Actor
from rekisteri.imports.readers import ReadError, read_csv_text, read_table
from rekisteri.imports.services import import_organizations, import_persons
from rekisteri.register.models import Organization, Person
from rekisteri.register.services import SourceRef

pytestmark = pytest.mark.django_db


def persons(text: str, controller: Any) -> Any:
    return import_persons(
        actor=Actor("test"),
        controller=controller,
        rows=read_csv_text(text, "persons"),
        source=SourceRef(name="test.csv"),
    )


@pytest.mark.parametrize(
    "cell, column",
    [
        ("Nul\x00Byte", "etunimi"),
        ("Crlf\r\nBcc: injected@evil.example", "etunimi"),
        ("Bell\x07", "etunimi"),
        ("Line\u2028separator", "etunimi"),
    ],
)
def test_a_control_character_in_a_csv_cell_names_row_and_column(
    fi_controller: Any, cell: str, column: str
) -> None:
    text = f'etunimi;sukunimi\nAnna;Aalto\n"{cell}";Virtanen\n'

    report = persons(text, fi_controller)

    assert [str(e) for e in report.errors] == [
        f"row 3, column {column}: must not contain control characters"
    ]
    assert not Person.objects.exists()


def test_control_characters_in_import_only_columns_are_refused_too(fi_controller: Any) -> None:
    report = persons(
        'etunimi;sukunimi;osasto;rooli\nAnna;Aalto;"Myynti\x00";"Jo\nhto"\n', fi_controller
    )

    assert sorted(str(e) for e in report.errors) == [
        "row 2, column osasto: must not contain control characters",
        "row 2, column rooli: must not contain control characters",
    ]


def test_a_tab_inside_a_name_is_kept(fi_controller: Any) -> None:
    report = persons('etunimi;sukunimi\n"Anna\tMaria";Aalto\n', fi_controller)

    assert report.ok and Person.objects.get().first_name == "Anna\tMaria"


def test_nul_in_an_organisation_file_names_row_and_column(fi_controller: Any) -> None:
    report = import_organizations(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_csv_text("nimi;kaupunki\nIdeafix Oy;Hel\x00sinki\n", "organizations"),
        source=SourceRef(name="test.csv"),
    )

    assert [str(e) for e in report.errors] == [
        "row 2, column kaupunki: must not contain control characters"
    ]
    assert not Organization.objects.exists()


def test_a_line_break_in_an_xlsx_cell_names_row_and_column(
    tmp_path: Path, fi_controller: Any
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Etunimi", "Sukunimi", "Titteli"])
    sheet.append(["Anna", "Aalto", "Johtaja\nBcc: x@evil.example"])
    book.save(tmp_path / "h.xlsx")

    report = import_persons(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_table(tmp_path / "h.xlsx", "persons"),
        source=SourceRef(name="h.xlsx"),
    )

    assert [str(e) for e in report.errors] == [
        "row 2, column Titteli: must not contain control characters"
    ]


def test_a_cell_too_long_for_the_csv_reader_is_that_rows_error(fi_controller: Any) -> None:
    # Whatever another part of the process did to the csv module's limit (followthemoney,
    # loaded by screening, raises it to the maximum).
    csv.field_size_limit(sys.maxsize)
    text = 'etunimi;sukunimi\nAnna;Aalto\n"' + "x" * 200_000 + '";Virtanen\nBen;Berg\n'

    report = persons(text, fi_controller)

    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("row 3: the row cannot be read")
    assert not Person.objects.exists()


def test_a_damaged_xlsx_sheet_names_the_row_where_reading_stopped(
    tmp_path: Path, fi_controller: Any
) -> None:
    book = Workbook()
    for row in (["Etunimi", "Sukunimi"], ["Anna", "Aalto"], ["Ben", "Berg"]):
        book.active.append(row)
    book.save(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<row r="3"', b'<row r="3" <<')  # not XML
    with zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)

    report = import_persons(
        actor=Actor("test"),
        controller=fi_controller,
        rows=read_table(tmp_path / "bad.xlsx", "persons"),
        source=SourceRef(name="bad.xlsx"),
    )

    assert [str(e) for e in report.errors] == ["row 3: the row cannot be read (ParseError)"]
    assert not Person.objects.exists()


def test_a_workbook_that_is_not_one_is_a_read_error(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(ReadError):
        read_table(tmp_path / "x.xlsx", "persons")
