"""Erasure of a person with more rows in one table than a statement may bind values.

The probe of issue 14 erased a person with ~250,000 usage records: SQLite refused the one
`DELETE … WHERE id IN (…250,000 keys…)` with "too many SQL variables", and nothing was
erased. Here the rows number one more than the SQLite connection's own limit (250,000 in
Debian's build; PostgreSQL gets the same count, above its 65,535 bound parameters), and no
statement may bind more than Django's conservative 999 values.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from rekisteri.audit.models import AuditEvent
from rekisteri.interactions.models import ServiceAccount, UsageRecord
from rekisteri.register.models import Person
from rekisteri.rights.services import erasure_execute, erasure_plan

pytestmark = pytest.mark.django_db(transaction=False)

#: what Django assumes SQLite binds at most (the compile-time default of old SQLite builds)
MOST_VALUES = 999


def _rows_over_the_limit() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) + 1
    return 250_001


def test_erasure_of_a_person_with_more_rows_than_a_statement_binds(make_person, actor, dpo):
    person = make_person(first_name="Runsas", last_name="Käyttäjä")
    account = ServiceAccount.objects.create(
        controller=person.controller, person=person, service="portal", username="runsas"
    )
    n = _rows_over_the_limit()
    # One INSERT … SELECT over a counter (seconds, where bulk_create takes a minute).
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "  # noqa: S608
            f"INSERT INTO {UsageRecord._meta.db_table} (account_id, at, feature, quantity) "
            "SELECT %s, %s, 'search', 1 FROM n",
            [n, account.pk, timezone.now()],
        )
    assert UsageRecord.objects.filter(account=account).count() == n

    widest: list[int] = []

    def count_values(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if params and not many:
            widest.append(len(params))
        return execute(sql, params, many, context)

    plan = erasure_plan(scope=dpo, person=person)
    with connection.execute_wrapper(count_values):
        result = erasure_execute(scope=dpo, actor=actor, person=person, plan=plan)

    # The account's delete takes its usage records with it (CASCADE), in the same transaction.
    assert result.deleted["interactions.ServiceAccount"] == 1
    assert not UsageRecord.objects.filter(account_id=account.pk).exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(person_id=person.pk, action="erasure").exists()
    assert max(widest) <= MOST_VALUES
