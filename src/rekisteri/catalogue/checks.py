"""`catalogue check`: the catalogue and the code's field map must agree."""

from __future__ import annotations

from rekisteri.catalogue.schema import CatalogueData
from rekisteri.common.personal import field_map_problems, iter_field_map


def catalogue_problems(data: CatalogueData) -> list[str]:
    """Field-map problems, and fields that name a category the catalogue lacks."""
    problems = field_map_problems()
    known = {c["code"] for c in data.sections["categories"]}
    for mapped in iter_field_map():
        if mapped.category not in known:
            problems.append(
                f"{mapped.label}: data category {mapped.category!r} is not in the catalogue"
            )
    return problems


def unused_categories(data: CatalogueData) -> list[str]:
    used = {m.category for m in iter_field_map()}
    return sorted(c["code"] for c in data.sections["categories"] if c["code"] not in used)
