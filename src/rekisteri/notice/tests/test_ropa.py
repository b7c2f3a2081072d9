import csv
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from rekisteri.notice.ropa import COLUMNS

REQUIRED = [
    "Controller (name and contact details)",
    "Joint controllers / shared within the group",
    "Data protection officer",
    "Purpose of the processing",
    "Legal basis",
    "Categories of data subjects",
    "Categories of personal data",
    "Categories of recipients",
    "Transfers to third countries",
    "Safeguards of the transfers",
    "Time limits for erasure",
    "Technical and organisational security measures",
]


def test_xlsx_export_has_all_art_30_columns_and_one_row_per_purpose(catalogue, tmp_path):
    out = tmp_path / "ropa.xlsx"
    call_command("ropa", "export", "--format", "xlsx", "--out", str(out), stdout=io.StringIO())
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    for column in REQUIRED:
        assert column in headers
    body = rows[1:]
    # purposes on no register data (user administration) are not processing of the register
    in_notice = [code for code, p in catalogue.purposes.items() if p.in_notice]
    assert len(in_notice) < len(catalogue.purposes)
    assert sorted(r[0] for r in body) == sorted(in_notice)
    marketing = next(r for r in body if r[0] == "direct_marketing")
    row = dict(zip(headers, marketing, strict=True))
    assert "Email delivery service (US)" in row["Transfers to third countries"]
    assert "standard contractual clauses" in row["Safeguards of the transfers"]
    assert "Esimerkki Oy" in row["Controller (name and contact details)"]
    assert "tietosuoja@esimerkki.example" in row["Data protection officer"]
    assert "two-factor" in row["Technical and organisational security measures"]
    finance = dict(zip(headers, next(r for r in body if r[0] == "finance"), strict=True))
    assert "10 years from the end of the billing year" in finance["Time limits for erasure"]


def test_csv_and_json_exports_hold_the_same_rows(catalogue, tmp_path):
    call_command(
        "ropa", "export", "--format", "csv", "--out", str(tmp_path / "r.csv"), stdout=io.StringIO()
    )
    call_command(
        "ropa",
        "export",
        "--format",
        "json",
        "--out",
        str(tmp_path / "r.json"),
        stdout=io.StringIO(),
    )
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == [label for _, label in COLUMNS]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (
        len(rows) - 1
        == len(data["rows"])
        == len([p for p in catalogue.purposes.values() if p.in_notice])
    )


def test_dpo_page_and_download(client, staff):
    client.force_login(staff["dpo"])
    page = client.get("/staff/notice/ropa/?lang=fi").content.decode()
    assert "Laskutus ja kirjanpito" in page
    resp = client.get("/staff/notice/ropa/export/xlsx/")
    assert resp.status_code == 200 and resp["Content-Disposition"].endswith('.xlsx"')
    client.force_login(staff["marketing"])
    assert client.get("/staff/notice/ropa/").status_code == 403


@pytest.mark.parametrize(
    "lang,heading", [("fi", "Käsittelyn tarkoitus"), ("sv", "Ändamålet med behandlingen")]
)
def test_csv_headers_are_in_the_chosen_language(catalogue, tmp_path, lang, heading):
    out = tmp_path / "r.csv"
    call_command(
        "ropa",
        "export",
        "--format",
        "csv",
        "--lang",
        lang,
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    header = next(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert heading in header
    assert "Purpose of the processing" not in header
    assert len(header) == len(COLUMNS)


def test_a_controller_without_address_or_business_id_has_no_empty_parts(db, tmp_path):
    from rekisteri.audit.services import Actor
    from rekisteri.catalogue.services import catalogue_load
    from rekisteri.catalogue.tests.seeds import SEEDS

    # Accountor's Swedish policy states neither address nor organisationsnummer
    catalogue_load(
        text=SEEDS["accountor_se"].read_text(encoding="utf-8"),
        source_name="accountor_se",
        actor=Actor("test"),
    )
    out = tmp_path / "r.csv"
    call_command(
        "ropa",
        "export",
        "--format",
        "csv",
        "--lang",
        "sv",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    controllers = {r["Personuppgiftsansvarig (namn och kontaktuppgifter)"] for r in rows}
    assert controllers == {"Accountor Outsourcing, privacy@accountor.com"}
