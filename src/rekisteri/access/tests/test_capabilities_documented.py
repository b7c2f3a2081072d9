"""docs/access.md lists every capability the code declares, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from rekisteri.access.capabilities import CAPABILITIES
from rekisteri.access.gate import CAPABILITY, route_declarations

DOCS = Path(__file__).resolve().parents[4] / "docs" / "access.md"


def test_every_capability_is_in_the_access_docs_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert table == set(CAPABILITIES)


def test_every_declared_capability_is_known() -> None:
    declared = {
        d.capability for _name, d in route_declarations() if d is not None and d.kind == CAPABILITY
    }
    assert declared <= set(CAPABILITIES)
