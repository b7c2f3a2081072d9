"""Importing a file from the staff page, in real Chromium: an error, the fix, the import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rekisteri.register.models import Person
from rekisteri.testing.browser import login

pytestmark = pytest.mark.browser

BAD = "etunimi;sukunimi;sähköposti\nAino;Selain;aino@selain.fi\nBo;Kopio;bo@@selain\n"
FIXED = "etunimi;sukunimi;sähköposti\nAino;Selain;aino@selain.fi\nBo;Kopio;bo@selain.fi\n"


def _choose(page: Any, text: str) -> None:
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        files=[{"name": "messut.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )


def test_preview_shows_the_error_then_the_fixed_file_is_imported(
    browser_page: Any, staff: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.HOME = tmp_path
    page = browser_page
    login(page, staff["sales"])
    page.get_by_role("link", name="Import").click()
    page.get_by_label("The file holds").select_option("persons")
    _choose(page, BAD)
    page.get_by_label("Name of the source").fill("Messulista 2025")
    page.get_by_role("button", name="Check the file").click()

    errors = page.locator("#errors")
    assert "Row 3, column sähköposti: not a valid email address" in errors.inner_text()
    assert page.get_by_role("button", name="Confirm the import").count() == 0
    assert not Person.objects.exists()

    # The user fixes the row and uploads the file again from the same page.
    _choose(page, FIXED)
    page.get_by_role("button", name="Check the file").click()
    assert page.locator("#count-created").inner_text() == "2"
    assert not Person.objects.exists()  # a preview writes nothing
    page.get_by_role("button", name="Confirm the import").click()

    assert "messut.csv imported: 2 created" in page.locator(".messages").inner_text()
    assert set(Person.objects.values_list("last_name", flat=True)) == {"Selain", "Kopio"}
    assert not list((tmp_path / "imports").iterdir())
