"""Querysets compiled once per process and then run with another value.

Building and compiling an ORM query costs about a millisecond of Python, often more than
running it; on a hot path (the person page, the API's GET) that was most of the request.
`prepared_rows` compiles the queryset that `build(SENTINEL)` returns once per `key`, then
runs its SQL with the sentinel replaced by the value and makes the model instances as the
ORM would (its converters; one level of `select_related`). A queryset whose compiled
parameters do not hold the sentinel exactly once is simply run through the ORM.
`prepared_page` does the same for a query with several values (a search's range bounds)
and a page of it (LIMIT/OFFSET as parameters, so that every page shares one compiled query).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState

#: a value no real id has: where it lands in the parameters is where the value goes
SENTINEL = -918273645
#: sentinels for text values (never sent to the database: only compiled)
TEXT_SENTINEL = "\ue000rk-prepared-{}\ue000"

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
    positions: list[int]
    db: str
    model: type[Model]
    columns: list[int]
    names: list[str]
    related: list[_Related]
    converters: dict[int, Any]
    #: the row has every concrete field of the model (and of each related model): its
    #: instances can be made without Model.__init__ (see `_instance`)
    complete: bool = False


_CACHE: dict[Hashable, _Prepared | None] = {}


def _prepare(qs: QuerySet, sentinels: list[Any]) -> _Prepared | None:
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter that can match nothing: the ORM answers without SQL
        return None
    params = list(params)
    info = compiler.klass_info
    if any(params.count(s) != 1 for s in sentinels) or info is None or compiler.annotation_col_map:
        return None
    select = compiler.select[: compiler.col_count]
    names = [getattr(getattr(col, "target", None), "attname", None) for col, _, _ in select]
    if None in names:
        return None
    related = []
    complete = True
    for rel in info.get("related_klass_infos", []):
        if rel.get("related_klass_infos"):
            return None  # deeper select_related: not handled here
        rel_names = [names[i] for i in rel["select_fields"]]
        complete = complete and _all_fields(rel["model"], rel_names)
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
        positions=[params.index(s) for s in sentinels],
        db=qs.db,
        model=qs.model,
        columns=columns,
        names=[names[i] for i in columns],
        related=related,
        converters=compiler.get_converters([col for col, _, _ in select]),
        complete=complete and _all_fields(qs.model, [names[i] for i in columns]),
    )


def _from_db(model: type[Model], db: str, names: list[str], values: list[Any]) -> Any:
    return model.from_db(db, names, values)


def _all_fields(model: type[Model], names: list[str]) -> bool:
    return names == [f.attname for f in model._meta.concrete_fields]


def _instance(model: type[Model], db: str, names: list[str], values: list[Any]) -> Any:
    """`model.from_db(db, names, values)` for a row of every concrete field, without
    Model.__init__, whose per-field work (defaults, descriptors, signals) was most of the
    cost of a page of search results. Models here define no __init__ and no signal
    receivers of their own; what from_db leaves behind is the same: the field values, and
    a saved state in this database."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    state = obj._state = ModelState()
    state.adding = False
    state.db = db
    return obj


def _get(key: Hashable, build: Callable[..., QuerySet], sentinels: list[Any]) -> _Prepared | None:
    if key in _CACHE:
        return _CACHE[key]
    if len(_CACHE) >= _MAX:
        _CACHE.clear()
    prepared = _CACHE[key] = _prepare(build(*sentinels), sentinels)
    return prepared


def prepared_rows(key: Hashable, build: Callable[[Any], QuerySet], value: Any) -> list[Any]:
    """`list(build(value))`, with the query compiled once per `key`.

    `key` must name everything besides `value` that changes the query's shape or its other
    parameters (a user's controllers, say).
    """
    prepared = _get(key, build, [SENTINEL])
    if prepared is None:
        return list(build(value))
    return _run(prepared, [value])


def _sentinel(n: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("prepared_page takes int and str values")
    return TEXT_SENTINEL.format(n) if isinstance(value, str) else SENTINEL - n


def prepared_page(
    key: Hashable,
    build: Callable[..., QuerySet],
    values: tuple[Any, ...],
    *,
    limit: int,
    offset: int = 0,
) -> list[Any]:
    """`list(build(*values)[offset:offset + limit])`, the query compiled once per `key` and
    the shapes of `values` (ints and strings; each must land in the parameters once).

    `build` returns the ordered, unsliced queryset; the page is added as LIMIT/OFFSET
    parameters, so that every page and every value share one compiled query.
    """
    sentinels = [_sentinel(n, v) for n, v in enumerate(values)]
    prepared = _get((key, tuple(type(v) for v in values)), build, sentinels)
    if prepared is None or limit < 0 or offset < 0:
        return list(build(*values)[offset : offset + limit])
    return _run(prepared, list(values), page=(int(limit), int(offset)))


def prepared_rows_many(
    jobs: list[tuple[Hashable, Callable[[Any], QuerySet]]], value: Any
) -> list[list[Any]]:
    """`[prepared_rows(key, build, value) for key, build in jobs]`, and on PostgreSQL the
    queries go to the server in one pipeline: one network round trip instead of one each
    (on a busy machine each round trip waits for the server process to be scheduled)."""
    prepared = [_get(key, build, [SENTINEL]) for key, build in jobs]
    ready = [p for p in prepared if p is not None]
    dbs = {p.db for p in ready}
    if len(ready) < 2 or len(dbs) != 1 or not pipeline_supported(connections[ready[0].db]):
        return [prepared_rows(key, build, value) for key, build in jobs]
    fetched = iter(
        pipelined(connections[ready[0].db], [(p.sql, _params(p, [value])) for p in ready])
    )
    return [
        list(build(value)) if p is None else _objects(p, next(fetched))
        for p, (_key, build) in zip(prepared, jobs, strict=True)
    ]


def pipeline_supported(connection: Any) -> bool:
    """Whether statements can be sent to this database in one psycopg pipeline."""
    if connection.vendor != "postgresql":
        return False
    try:
        import psycopg
    except ImportError:
        return False
    return bool(psycopg.Pipeline.is_supported())


def pipelined(connection: Any, statements: list[tuple[str, list[Any]]]) -> list[list[tuple]]:
    """Run the statements in one psycopg pipeline (PostgreSQL; see `pipeline_supported`)
    and return each one's rows. In a transaction that Django has opened but not yet begun
    on the server, psycopg's BEGIN goes in the same round trip."""
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    cursors = []
    # As Django's own cursors: a driver error becomes django.db's (a lock timeout is an
    # OperationalError that the busy-database handling answers with 503).
    with connection.wrap_database_errors, raw.pipeline():
        for sql, params in statements:
            # A server-binding cursor: pipeline mode needs the extended protocol.
            cursor = psycopg.Cursor(raw)
            # Prepared once per connection (Django's connections never prepare): a query
            # that runs again and again is not planned again each time.
            cursor.execute(sql, params, prepare=True)
            cursors.append(cursor)
    out = []
    with connection.wrap_database_errors:
        for cursor in cursors:
            with cursor:
                out.append(cursor.fetchall() if cursor.description is not None else [])
    return out


def _params(prepared: _Prepared, values: list[Any]) -> list[Any]:
    params = list(prepared.params)
    for position, value in zip(prepared.positions, values, strict=True):
        params[position] = value
    return params


def _run(prepared: _Prepared, values: list[Any], page: tuple[int, int] | None = None) -> list[Any]:
    params = _params(prepared, values)
    sql = prepared.sql
    if page is not None:
        sql += " LIMIT %s OFFSET %s"
        params += list(page)
    connection = connections[prepared.db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _objects(prepared, rows, share_related=page is not None)


def _objects(prepared: _Prepared, rows: list[Any], *, share_related: bool = False) -> list[Any]:
    connection = connections[prepared.db]
    out = []
    # A related row that several rows share (the persons' group company) is made once.
    related_seen: list[dict[Any, Any]] = [{} for _ in prepared.related]
    for row in rows:
        values = list(row)
        # As SQLCompiler.apply_converters, with this thread's connection.
        for pos, (funcs, expression) in prepared.converters.items():
            v = values[pos]
            for func in funcs:
                v = func(v, expression, connection)
            values[pos] = v
        make = _instance if prepared.complete else _from_db
        obj = make(
            prepared.model, prepared.db, prepared.names, [values[i] for i in prepared.columns]
        )
        for rel, seen in zip(prepared.related, related_seen, strict=True):
            rel_pk = values[rel.columns[rel.pk_index]]
            if rel_pk is None:
                rel_obj = None
            elif share_related and rel_pk in seen:
                rel_obj = seen[rel_pk]
            else:
                rel_obj = seen[rel_pk] = make(
                    rel.model, prepared.db, rel.names, [values[i] for i in rel.columns]
                )
            rel.local_setter(obj, rel_obj)
            if rel_obj is not None:
                rel.remote_setter(rel_obj, obj)
        out.append(obj)
    return out
