"""The demo catalogue changed as a company's own would be: a category it does not declare,
register policies switched on. Loaded instead of the demo catalogue (a fresh database)."""

from __future__ import annotations

import re
from typing import Any

from rekisteri.audit.services import Actor
from rekisteri.testing.fixtures import DEMO_CATALOGUE


def demo_text() -> str:
    return DEMO_CATALOGUE.read_text(encoding="utf-8")


def without_category(text: str, code: str) -> str:
    """The catalogue without the category `code`: its declaration, its retention rules and
    its place in every purpose's categories are gone."""
    out = []
    for chunk in re.split(r"(?m)^(?=\[)", text):
        head = chunk.split("\n", 1)[0].strip()
        if head == "[[categories]]" and re.search(rf'(?m)^code = "{code}"', chunk):
            continue
        if head == "[[retention]]" and re.search(rf'(?m)^category = "{code}"', chunk):
            continue
        out.append(
            re.sub(
                r"(?m)^categories = \[(.*)\]$",
                lambda m: (
                    "categories = ["
                    + ", ".join(x for x in m.group(1).split(", ") if x.strip() != f'"{code}"')
                    + "]"
                ),
                chunk,
            )
        )
    return "".join(out)


def with_policy(text: str, **policy: Any) -> str:
    """The catalogue with [register] policies set (b2b_only, opt_out_minimisation,
    identity_code_country)."""
    for key, value in policy.items():
        line = f"{key} = " + (str(value).lower() if isinstance(value, bool) else f'"{value}"')
        text, n = re.subn(rf"(?m)^{key} = .*$", line, text)
        if not n:
            text = text.replace("[register]\n", f"[register]\n{line}\n", 1)
    return text


def load(text: str) -> Any:
    from rekisteri.catalogue.selectors import catalogue_snapshot
    from rekisteri.catalogue.services import catalogue_load

    catalogue_load(text=text, source_name="test", actor=Actor("test"))
    return catalogue_snapshot()
