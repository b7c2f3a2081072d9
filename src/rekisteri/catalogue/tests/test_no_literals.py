"""No purpose, role or category code of a catalogue is written in production code.

The catalogue is the contract: a company names its purposes, roles and categories as it
likes, and the code reaches them through capabilities, catalogue flags and the field map.
The only places a category code may appear are the field map itself (a model field's
`personal(..., "category")` and a model's `retention_category`) and the catalogue module.
This test reads every production module's string constants (with `ast`) and fails on any
that is a purpose, role or category code of the demo catalogue. A word that only happens to
be spelt like one (an app's label "marketing", an audit action "rights") carries a
`# catalogue-free: <why>` comment on its line (or alone on the line above).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from rekisteri.testing.fixtures import DEMO_CATALOGUE

SRC = Path(__file__).resolve().parents[2]
#: the catalogue module (it parses the codes) and the field map (common/personal.py)
ALLOWED_DIRS = {"catalogue", "testing", "bench", "migrations", "tests", "locale"}
ALLOWED_FILES = {"common/personal.py", "conftest.py"}
#: demo data generators name the demo catalogue's codes on purpose
DEMO_MODULES = ("demo.py", "demo_data.py", "datagen.py")


def _codes() -> dict[str, str]:
    raw = tomllib.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    codes: dict[str, str] = {}
    for section, what in (("purposes", "purpose"), ("roles", "role"), ("categories", "category")):
        for entry in raw[section]:
            codes.setdefault(entry["code"], what)
    return codes


def _field_map_constants(tree: ast.AST) -> set[int]:
    """ids of the string constants that are the field map: personal(field, "category") and
    `retention_category = "…"`."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "personal":
            for arg in node.args[1:]:
                allowed.add(id(arg))
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", "") == "retention_category" for t in node.targets
        ):
            allowed.add(id(node.value))
    return allowed


def _production_files() -> list[Path]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if set(rel.parts[:-1]) & ALLOWED_DIRS or rel.as_posix() in ALLOWED_FILES:
            continue
        if rel.name in DEMO_MODULES:
            continue
        out.append(path)
    return out


def test_no_purpose_role_or_category_literal_in_production_code() -> None:
    codes = _codes()
    found = []
    for path in _production_files():
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        tree = ast.parse(text)
        allowed = _field_map_constants(tree)
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in codes
                and id(node) not in allowed
                and id(node) not in docstrings
                and "# catalogue-free:" not in lines[node.lineno - 1]
                and not lines[node.lineno - 2].strip().startswith("# catalogue-free:")
            ):
                rel = path.relative_to(SRC).as_posix()
                found.append(f"{rel}:{node.lineno}: {codes[node.value]} {node.value!r}")
    assert not found, "catalogue codes written in production code:\n" + "\n".join(found)
