"""The retention sweep beside raw DELETE/UPDATE by index of the same rows.

Both must work on the same rows, and the sweep destroys them. So before the sweep, every
interactions table is copied, with its indexes and foreign keys, to a `benchfloor_` twin
(untimed); the sweep runs on the real tables, then the floor's statements run on the twins,
and the twins are dropped. The floor is one statement per table and rule, children first,
in one transaction: `DELETE … WHERE <anchor column> < cutoff` (or the anonymising UPDATE),
with the cutoffs of the same catalogue rules.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from rekisteri.bench.floor import qn
from rekisteri.bench.measure import Result, fill_bulk, timed
from rekisteri.bench.worker import Context, operation

PREFIX = "benchfloor_"


def _tables() -> list[str]:
    return [m._meta.db_table for m in apps.get_app_config("interactions").get_models()]


def twin(table: str) -> str:
    return PREFIX + table.removeprefix("interactions_")


def copy_tables() -> None:
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(
                    "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                    "ORDER BY type = 'index'",
                    [table],
                )
                for _type, sql in cursor.fetchall():
                    cursor.execute(re.sub(r'"interactions_', f'"{PREFIX}', sql))
            for table in tables:
                cursor.execute(f"INSERT INTO {qn(twin(table))} SELECT * FROM {qn(table)}")
            return
        for table in tables:
            cursor.execute(f"CREATE TABLE {qn(twin(table))} (LIKE {qn(table)} INCLUDING ALL)")
            cursor.execute(f"INSERT INTO {qn(twin(table))} SELECT * FROM {qn(table)}")
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(
                    f"ALTER TABLE {qn(twin(table))} ADD CONSTRAINT {qn(PREFIX + name[-40:])} "
                    + definition.replace("interactions_", PREFIX)
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in reversed(_tables()):
            cursor.execute(
                f"DROP TABLE IF EXISTS {qn(twin(table))}"
                + (" CASCADE" if connection.vendor == "postgresql" else "")
            )


RESTRICTED = "SELECT id FROM register_person WHERE restricted_since IS NOT NULL"


def restricted_clause(model: type[models.Model]) -> str:
    """Art. 18: rows of restricted persons are never swept (there are no legal holds in the
    generated data, so this is the only exclusion the floor needs to touch the same rows)."""
    parts = (getattr(model, "subject_path", "") or "").split("__")
    field: Any = model._meta.get_field(parts[0])
    if len(parts) == 1:
        col = qn(field.column)
        return f" AND NOT ({col} IS NOT NULL AND {col} IN ({RESTRICTED}))"
    parent = field.related_model
    inner = qn(parent._meta.get_field(parts[1]).column)
    return (
        f" AND NOT ({qn(field.column)} IN (SELECT id FROM {qn(twin(parent._meta.db_table))} "
        f"WHERE {inner} IN ({RESTRICTED})))"
    )


def floor_statements(as_of: Any) -> list[tuple[str, list[Any]]]:
    """Per catalogue rule and model, hand-written SQL on the twins, children first."""
    from rekisteri.catalogue.models import RetentionAnchor
    from rekisteri.retention import engine
    from rekisteri.retention.periods import latest_due_anchor, start_of_day

    out: list[tuple[str, list[Any]]] = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for target in engine.targets()[0]:
        model = target.model
        table = qn(twin(model._meta.db_table))
        cutoff = latest_due_anchor(as_of, target.period)
        if target.anchor in (RetentionAnchor.CREATED, RetentionAnchor.REQUEST_CLOSED):
            field = model._meta.get_field(model.retention_dates[target.anchor])
            if isinstance(field, models.DateTimeField):
                where = f"{qn(field.column)} < %s"
                param = connection.ops.adapt_datetimefield_value(
                    start_of_day(cutoff + timedelta(days=1))
                )
            else:
                where, param = f"{qn(field.column)} <= %s", cutoff
        elif target.anchor == RetentionAnchor.BILLING_YEAR_END:
            field = model._meta.get_field(model.retention_dates[target.anchor])
            where, param = f"{qn(field.column)} <= %s", cutoff.year - 1
        else:
            continue  # relationship/contact ended: nothing is due in the generated data (all open)
        where += restricted_clause(model)
        wparams = [param]
        if target.while_any:
            # Rows whose person satisfies a while-condition stay (retention/conditions.py);
            # the condition is the register's own tables, which the floor does not copy.
            from rekisteri.register.models import Person
            from rekisteri.retention.conditions import kept_while_q

            kept = Person.objects.filter(kept_while_q("pk", target.while_any, as_of)).values("pk")
            kept_sql, kept_params = kept.query.sql_with_params()
            path = getattr(model, "subject_path", "")
            if not path or "__" in path:
                continue  # not written for the floor: only rows that name their person
            col = qn(model._meta.get_field(path).column)
            # The kept persons once per rule into a keyed temporary table: as `NOT IN (the
            # condition)` PostgreSQL re-runs the condition per row once its hash outgrows
            # work_mem (a child DELETE ran for over 16 minutes at 1,000,000 persons).
            kept_table = f"bench_kept_{len(out)}"
            out += [
                (f"DROP TABLE IF EXISTS {kept_table}", []),
                (f"CREATE TEMP TABLE {kept_table} (id bigint PRIMARY KEY)", []),
                (f"INSERT INTO {kept_table} {kept_sql}", list(kept_params)),
                (f"ANALYZE {kept_table}", []),
            ]
            where += (
                f" AND NOT ({col} IS NOT NULL AND EXISTS "
                f"(SELECT 1 FROM {kept_table} k WHERE k.id = {col}))"
            )
        if target.anonymise:
            values = engine.blank_values(model)
            sets = [f"{qn(model._meta.get_field(k).column)} = %s" for k in values]
            params = [
                model._meta.get_field(k).get_db_prep_save(v, connection) for k, v in values.items()
            ]
            out.append(
                (
                    f"UPDATE {table} SET {', '.join(sets)}, anonymised_at = %s "
                    f"WHERE {where} AND anonymised_at IS NULL",
                    [*params, now, *wparams],
                )
            )
            continue
        for rel in model._meta.related_objects:
            child = twin(rel.related_model._meta.db_table)
            col = qn(rel.field.column)
            sub = f"SELECT id FROM {table} WHERE {where}"
            if rel.on_delete is models.CASCADE:
                out.append((f"DELETE FROM {qn(child)} WHERE {col} IN ({sub})", wparams))
            elif rel.on_delete is models.SET_NULL:
                out.append((f"UPDATE {qn(child)} SET {col} = NULL WHERE {col} IN ({sub})", wparams))
        files = [
            f.column
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model._meta.label == "interactions.StoredFile"
        ]
        for column in files:
            out.append(("CREATE TEMP TABLE IF NOT EXISTS bench_gone_files (id bigint)", []))
            out.append(
                (
                    f"INSERT INTO bench_gone_files SELECT {qn(column)} FROM {table} "
                    f"WHERE {where} AND {qn(column)} IS NOT NULL",
                    wparams,
                )
            )
        out.append((f"DELETE FROM {table} WHERE {where}", wparams))
        if files:
            out.append(
                (
                    f"DELETE FROM {qn(twin('interactions_storedfile'))} WHERE id IN (SELECT id FROM bench_gone_files)",
                    [],
                )
            )
            out.append(("DELETE FROM bench_gone_files", []))
    return out


def run_floor(statements: list[tuple[str, list[Any]]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            verb, _, rest = sql.partition(" ")
            if (
                verb in ("DELETE", "UPDATE")
                and "bench_gone_files" not in sql
                and "storedfile" not in sql
            ):
                table = rest.split()[1 if verb == "DELETE" else 0].strip('"')
                counts[table] = counts.get(table, 0) + max(cursor.rowcount, 0)
    return counts


@operation("retention_sweep", ">= 100,000 rows/s, <= 1.5x floor")
def op_retention(ctx: Context, result: Result) -> Result:
    from rekisteri.audit.work import system_scope
    from rekisteri.retention import engine
    from rekisteri.retention.services import SWEEP_ACTOR, retention_sweep

    as_of = timezone.localdate()
    copy_seconds, _ = timed(copy_tables)
    scope = system_scope("benchmark: retention sweep", actor=SWEEP_ACTOR, capabilities=())
    try:
        seconds, sweep = timed(lambda: retention_sweep(scope=scope, as_of=as_of))
        statements = floor_statements(as_of)
        fseconds, fcounts = timed(lambda: run_floor(statements))
    finally:
        drop_tables()
    rows = sweep.total
    by_model = dict((sweep.run.counts if sweep.run else {}).get("_by_model", {}))
    outside = {k: v for k, v in by_model.items() if not k.startswith("interactions.")}
    # Rows the floor removed from top-level tables (children go with them in both).
    parents = {twin(t.model._meta.db_table) for t in engine.targets()[0]}
    floor_rows = sum(v for k, v in fcounts.items() if k in parents)
    fill_bulk(result, rows, seconds, fseconds)
    result.why = (
        "the sweep works in chunks of 20,000 rows, each its own transaction, so that a killed "
        "sweep loses nothing and other writers are not locked out: the chunks are planned once "
        "per rule, and each chunk applies the full due condition (anchor, legal holds, Art. 18 "
        "restriction) to its id window again, collects the files and children of its rows, and "
        "records its counts; rules whose anchor is an ended relationship are evaluated too, "
        "though nothing is due under them here. The floor is one statement per rule."
    )
    result.extra = {
        "by_rule": sweep.counts,
        "floor_rows": floor_rows,
        "floor_by_table": fcounts,
        "files_removed": sweep.files_removed,
        "copy_seconds_untimed": round(copy_seconds, 1),
        "due_share_of_interactions": round(rows / max(1, ctx.counts.get("interactions", 1)), 3),
    }
    result.note = (
        "every catalogue rule over the interactions: due rows selected by index, deleted or anonymised in "
        "chunked transactions with children first, holds and restrictions excluded, files removed after "
        "commit, one audit event; floor: one raw DELETE/UPDATE per rule on identical copies of the tables"
    )
    result.extra["by_model"] = by_model
    if outside:
        result.note += (
            f" The sweep also removed {sum(outside.values()):,} register rows ({', '.join(sorted(outside))}),"
            " which the floor, written for the interaction tables, does not repeat."
        )
    elif floor_rows != rows:
        result.note += f" (the floor touched {floor_rows:,} rows, the sweep {rows:,})"
    return result
