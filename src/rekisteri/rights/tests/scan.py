"""Find a person's values anywhere: every table and column, the raw database files, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection


def scan_tables(needles: list[str]) -> list[tuple[str, Any, str]]:
    """(table, pk, column) of every cell whose text contains one of the needles."""
    needles = [n.lower() for n in needles if n]
    hits = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            pk_name = connection.introspection.get_primary_key_column(cursor, table) or columns[0]
            cursor.execute(f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)}")  # noqa: S608
            pk_index = columns.index(pk_name)
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = (
                        value.decode("utf-8", "ignore")
                        if isinstance(value, bytes | memoryview)
                        else str(value)
                    )
                    text = text.lower()
                    if any(n in text for n in needles):
                        hits.append((table, row[pk_index], column))
    return hits


def scan_files(roots: list[Path], needles: list[str]) -> list[str]:
    found = []
    raw = [n.encode() for n in needles if n] + [n.encode("utf-16-le") for n in needles if n]
    for root in roots:
        if not Path(root).exists():
            continue
        for path in Path(root).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                if any(r in data for r in raw):
                    found.append(str(path))
    return found
