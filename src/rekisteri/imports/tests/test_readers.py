from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from rekisteri.imports.readers import ReadError, header_key, read_csv_text, read_table


def test_finnish_and_swedish_headers_map_to_the_same_fields() -> None:
    fi = read_csv_text("Etunimi;Sukunimi;Sähköposti;Puhelin;Titteli;Kieli;Y-tunnus\n", "persons")
    sv = read_csv_text(
        "Förnamn;Efternamn;E-post;Telefon;Titel;Språk;Organisationsnummer\n", "persons"
    )
    en = read_csv_text(
        "first_name,last_name,email,phone,title,language,organization_business_id\n", "persons"
    )
    assert set(fi.labels) == set(sv.labels) == set(en.labels)
    assert fi.labels["email"] == "Sähköposti"
    assert sv.labels["organization_business_id"] == "Organisationsnummer"


def test_organisation_headers_in_three_languages() -> None:
    fi = "nimi;y-tunnus;maa;katuosoite;postinumero;postitoimipaikka;verkkosivut;suhde"
    sv = "namn;organisationsnummer;land;gatuadress;postnummer;ort;webbplats;relation"
    en = "name;business_id;country;street;postal_code;city;website;relationship"
    tables = [read_csv_text(h + "\n", "organizations") for h in (fi, sv, en)]
    assert {frozenset(t.labels) for t in tables} == {
        frozenset(
            {
                "name",
                "business_id",
                "country",
                "street",
                "postal_code",
                "city",
                "website",
                "relationship",
            }
        )
    }
    assert "city" in read_csv_text("nimi;kaupunki\n", "organizations").labels


def test_unknown_column_is_named_with_its_letter() -> None:
    with pytest.raises(ReadError) as exc:
        read_csv_text("sukunimi;kengännumero\nVirtanen;42\n", "persons")
    assert "row 1, column B (kengännumero): unknown column" in str(exc.value)


def test_missing_required_column_is_named() -> None:
    with pytest.raises(ReadError, match="no column for last_name"):
        read_csv_text("etunimi;sähköposti\n", "persons")


def test_semicolon_csv_with_bom_reads_rows_numbered_as_the_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "yhteyshenkilöt.csv"
    path.write_bytes(
        "\ufeffEtunimi;Sukunimi;Sähköposti\nMaija;Meikäläinen;m@example.fi\n;;\nMatti;Virtanen;\n".encode()
    )
    table = read_table(path, "persons")
    assert table.extra["delimiter"] == ";"
    assert list(table) == [
        (2, {"first_name": "Maija", "last_name": "Meikäläinen", "email": "m@example.fi"}),
        (4, {"first_name": "Matti", "last_name": "Virtanen", "email": ""}),
    ]


def test_non_utf8_csv_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("sukunimi\nMeikäläinen\n".encode("cp1252"))
    with pytest.raises(ReadError, match="not UTF-8"):
        read_table(path, "persons")


def test_xlsx_first_sheet_with_numbers_and_empty_cells(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Förnamn", "Efternamn", "Telefon", "Organisationsnummer"])
    ws.append(["Anna", "Andersson", 701234567, "556036-0793"])
    ws.append([None, None, None, None])
    ws.append(["Erik", "Berg", None, None])
    path = tmp_path / "kontakter.xlsx"
    wb.save(path)
    rows = list(read_table(path, "persons"))
    assert rows[0] == (
        2,
        {
            "first_name": "Anna",
            "last_name": "Andersson",
            "phone": "701234567",
            "organization_business_id": "556036-0793",
        },
    )
    assert rows[1][0] == 4


def test_value_in_a_column_without_header_is_flagged() -> None:
    table = read_csv_text("sukunimi,\nVirtanen,oops\n", "persons")
    assert list(table) == [(2, {"last_name": "Virtanen", "__unnamed__": "B"})]


def test_header_key_ignores_case_spaces_and_punctuation() -> None:
    assert header_key("\ufeff Y-Tunnus ") == header_key("y tunnus") == "ytunnus"
    assert header_key("E-post") == header_key("epost")


cell = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + "äöåÄÖÅé ,;\"'-@."),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), max_size=8),
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
)
def test_csv_round_trip_keeps_every_value_and_row_number(
    rows: list[list[str]], delimiter: str, bom: bool
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["etunimi", "sukunimi", "sähköposti"])
    writer.writerows(rows)
    text = ("\ufeff" if bom else "") + buffer.getvalue()
    got = list(read_csv_text(text, "persons"))
    expected = [
        (n, dict(zip(("first_name", "last_name", "email"), [v.strip() for v in r], strict=True)))
        for n, r in enumerate(rows, start=2)
        if any(v.strip() for v in r)
    ]
    assert got == expected
