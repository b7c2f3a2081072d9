"""Cells of the CSV and XLSX files we write, safe to open in a spreadsheet program.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by spreadsheet programs (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`): such a text cell gets a
leading apostrophe, as OWASP recommends for CSV injection. The value is otherwise
unchanged; the package's readme says so.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value, with an apostrophe before a text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
