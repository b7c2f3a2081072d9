"""Floors: the same work done the plainest way, to measure our code against.

The SQL here is written out by hand as plain strings and run through the raw driver
cursor. Table and column names are read from the model metadata (so a renamed column does
not break the benchmark), but nothing goes through the ORM's query compiler.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.http import HttpRequest, JsonResponse


def person_row(request: HttpRequest, person_id: int) -> JsonResponse:
    """A bare Django view returning the same person row as the API, with no auth or audit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, first_name, last_name, title, language FROM register_person WHERE id = %s",
            [person_id],
        )
        row = cursor.fetchone()
    return JsonResponse(
        dict(zip(("id", "first_name", "last_name", "title", "language"), row, strict=True))
    )


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def subject_select(model: type[models.Model], columns: list[str]) -> str:
    """`SELECT t0.id, <columns> FROM <table> t0 [JOIN …] WHERE <person column> = %s`.

    Follows the model's `subject_path` (the field map's route to Person) through foreign
    keys and many-to-many tables, as one would write the joins by hand.
    """
    meta = model._meta
    select = ", ".join(["t0.id", *(f"t0.{qn(c)}" for c in columns)])
    path = getattr(model, "subject_path", "")
    if not path:
        return f"SELECT {select} FROM {qn(meta.db_table)} t0 WHERE t0.id = %s"
    joins: list[str] = []
    alias, current = "t0", model
    parts = path.split("__")
    cond = ""
    for i, part in enumerate(parts):
        field: Any = current._meta.get_field(part)
        last = i == len(parts) - 1
        if field.many_to_many:
            through = field.remote_field.through._meta
            j = f"j{i}"
            joins.append(
                f"JOIN {qn(through.db_table)} {j} ON {j}.{qn(field.m2m_column_name())} = {alias}.id"
            )
            target_col = f"{j}.{qn(field.m2m_reverse_name())}"
        else:
            target_col = f"{alias}.{qn(field.column)}"
        if last:
            cond = target_col
            break
        nxt = f"t{i + 1}"
        joins.append(
            f"JOIN {qn(field.related_model._meta.db_table)} {nxt} ON {nxt}.id = {target_col}"
        )
        alias, current = nxt, field.related_model
    return f"SELECT {select} FROM {qn(meta.db_table)} t0 {' '.join(joins)} WHERE {cond} = %s"


def personal_selects() -> list[tuple[str, str]]:
    """(model label, SELECT of one person's rows) for every model the field map lists with
    mapped fields: the tables personal_data_collect reads."""
    from rekisteri.common.personal import mapped_fields, personal_models

    out = []
    for model in personal_models():
        fields = mapped_fields(model)
        if not fields:
            continue
        columns = [model._meta.get_field(f.name).column for f in fields]
        out.append((model._meta.label, subject_select(model, columns)))
    return out


def fetch_person(
    cursor: Any, selects: list[tuple[str, str]], person_id: int
) -> dict[str, list[tuple]]:
    out = {}
    for label, sql in selects:
        cursor.execute(sql, [person_id])
        out[label] = cursor.fetchall()
    return out
