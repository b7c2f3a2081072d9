"""Querysets compiled once per process and then run with another value.

Building and compiling an ORM query costs about a millisecond of Python, often more than
running it; on a hot path (the person page, the API's GET) that was most of the request.
`prepared_rows` compiles the queryset that `build(SENTINEL)` returns once per `key`, then
runs its SQL with the sentinel replaced by the value and makes the model instances as the
ORM would (its converters; one level of `select_related`). A queryset whose compiled
parameters do not hold the sentinel exactly once is simply run through the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet

#: a value no real id has: where it lands in the parameters is where the value goes
SENTINEL = -918273645

_MAX = 512


@dataclass(frozen=True)
class _Related:
    model: type[Model]
    columns: list[int]
    names: list[str]
    pk_index: int
    local_setter: Callable[[Any, Any], None]
    remote_setter: Callable[[Any, Any], None]


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: list[Any]
    position: int
    db: str
    model: type[Model]
    columns: list[int]
    names: list[str]
    related: list[_Related]
    converters: dict[int, Any]


_CACHE: dict[Hashable, _Prepared | None] = {}


def _prepare(qs: QuerySet) -> _Prepared | None:
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    params = list(params)
    info = compiler.klass_info
    if params.count(SENTINEL) != 1 or info is None or compiler.annotation_col_map:
        return None
    select = compiler.select[: compiler.col_count]
    names = [getattr(getattr(col, "target", None), "attname", None) for col, _, _ in select]
    if None in names:
        return None
    related = []
    for rel in info.get("related_klass_infos", []):
        if rel.get("related_klass_infos"):
            return None  # deeper select_related: not handled here
        rel_names = [names[i] for i in rel["select_fields"]]
        related.append(
            _Related(
                model=rel["model"],
                columns=list(rel["select_fields"]),
                names=rel_names,
                pk_index=rel_names.index(rel["model"]._meta.pk.attname),
                local_setter=rel["local_setter"],
                remote_setter=rel["remote_setter"],
            )
        )
    columns = list(info["select_fields"])
    return _Prepared(
        sql=sql,
        params=params,
        position=params.index(SENTINEL),
        db=qs.db,
        model=qs.model,
        columns=columns,
        names=[names[i] for i in columns],
        related=related,
        converters=compiler.get_converters([col for col, _, _ in select]),
    )


def prepared_rows(key: Hashable, build: Callable[[Any], QuerySet], value: Any) -> list[Any]:
    """`list(build(value))`, with the query compiled once per `key`.

    `key` must name everything besides `value` that changes the query's shape or its other
    parameters (a user's controllers, say).
    """
    if key in _CACHE:
        prepared = _CACHE[key]
    else:
        if len(_CACHE) >= _MAX:
            _CACHE.clear()
        prepared = _CACHE[key] = _prepare(build(SENTINEL))
    if prepared is None:
        return list(build(value))
    params = list(prepared.params)
    params[prepared.position] = value
    connection = connections[prepared.db]
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        values = list(row)
        # As SQLCompiler.apply_converters, with this thread's connection.
        for pos, (funcs, expression) in prepared.converters.items():
            v = values[pos]
            for func in funcs:
                v = func(v, expression, connection)
            values[pos] = v
        obj = prepared.model.from_db(
            prepared.db, prepared.names, [values[i] for i in prepared.columns]
        )
        for rel in prepared.related:
            rel_values = [values[i] for i in rel.columns]
            rel_obj = (
                None
                if rel_values[rel.pk_index] is None
                else rel.model.from_db(prepared.db, rel.names, rel_values)
            )
            rel.local_setter(obj, rel_obj)
            if rel_obj is not None:
                rel.remote_setter(rel_obj, obj)
        out.append(obj)
    return out
