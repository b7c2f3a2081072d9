"""Issue 14 item 6: no cell of a CSV or XLSX file we write runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from rekisteri.common.spreadsheet import neutralise
from rekisteri.notice.ropa import COLUMNS, ropa_csv, ropa_xlsx

ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1"]


def test_formula_starts_get_an_apostrophe_and_other_text_is_unchanged() -> None:
    for text in ATTACKS:
        assert neutralise(text) == "'" + text
    assert neutralise("Aino") == "Aino"
    assert neutralise(42) == 42


def test_the_art_30_record_never_holds_a_formula() -> None:
    row = {key: ATTACKS[0] for key, _ in COLUMNS}
    rows = list(csv.reader(io.StringIO(ropa_csv([row]).decode("utf-8-sig"))))
    assert all(cell.startswith("'=") for cell in rows[1])
    sheet = load_workbook(io.BytesIO(ropa_xlsx([row]))).active
    cells = [c for c in sheet[2]]
    assert all(c.data_type == "s" and str(c.value).startswith("'=") for c in cells)


@pytest.mark.django_db
def test_the_access_package_csv_never_holds_a_formula(
    make_person: Any, actor: Any, staff: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    from rekisteri.access.selectors import scope_for
    from rekisteri.rights.packages import access_package_build

    settings.PACKAGES_DIR = tmp_path
    person = make_person(first_name="Aino", last_name="Kaava", title=ATTACKS[0])
    path = access_package_build(
        scope=scope_for(staff["dpo"]), actor=actor, person_ids=[person.pk], lang="en"
    )
    with zipfile.ZipFile(path) as zf:
        data = zf.read("data.csv").decode("utf-8")
        readme = next(zf.read(n).decode() for n in zf.namelist() if n.lower().startswith("readme"))
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    assert "'" + ATTACKS[0] in cells
    assert ATTACKS[0] not in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "apostrophe" in readme
