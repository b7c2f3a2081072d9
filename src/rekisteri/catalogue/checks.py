"""`catalogue check`: what the code can do and hold, against what the catalogue declares.

Errors: the field map itself is incomplete (a model field holding personal data names no
category). Notes, not errors: categories the field map knows that the catalogue does not
declare (those fields are off), declared categories no field holds yet, and capabilities
no purpose covers (those features are off).
"""

from __future__ import annotations

from rekisteri.catalogue.schema import Catalogue
from rekisteri.common.personal import field_map_problems, iter_field_map


def catalogue_problems(catalogue: Catalogue) -> list[str]:
    """Errors: where the code's field map is incomplete."""
    return field_map_problems()


def undeclared_categories(catalogue: Catalogue) -> dict[str, list[str]]:
    """Field-map categories the catalogue does not declare → the fields that are off."""
    declared = set(catalogue.codes("categories"))
    out: dict[str, list[str]] = {}
    for mapped in iter_field_map():
        if mapped.category not in declared:
            out.setdefault(mapped.category, []).append(mapped.label)
    return {k: sorted(v) for k, v in sorted(out.items())}


def unused_categories(catalogue: Catalogue) -> list[str]:
    used = {m.category for m in iter_field_map()}
    return sorted(c for c in catalogue.codes("categories") if c not in used)


def uncovered_capabilities(catalogue: Catalogue) -> list[str]:
    """Capabilities (rekisteri.access.capabilities) no purpose covers: those features are off."""
    from rekisteri.catalogue.selectors import snapshot_of

    return snapshot_of(catalogue).uncovered_capabilities()
