"""Under a write lock another transaction holds, requests answer in the user's format (issue
14 item 9): the API a JSON 503 with Retry-After, a staff page a 503 page that says to try
again, and a page that only reads is shown although its session could not be saved (Django
answered 400 for that).

The lock is real: a second connection, in a thread, holds it for the length of the request.
PostgreSQL: `LOCK TABLE … IN EXCLUSIVE MODE` (reads go on, writes wait) and a short
`lock_timeout` for the request's connection, as a deployment sets in DATABASE_URL's options.
SQLite: the test database is shared in memory, where a second writer is refused at once
("database table is locked") instead of after the 20 s busy timeout.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from rekisteri.api.tests.conftest import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)


class _Release(Exception):
    pass


@contextlib.contextmanager
def write_lock_held(*tables: str) -> Iterator[None]:
    """Another connection holds the write lock (PostgreSQL: on `tables`) until the block ends."""
    held, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
                else:
                    cursor.execute(
                        "INSERT INTO django_content_type (app_label, model) VALUES ('busy', 'x')"
                    )
                held.set()
                release.wait(30)
                raise _Release
        except _Release:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            held.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    assert not failures, failures
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '500ms'")
    try:
        yield
    finally:
        release.set()
        thread.join(10)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")


def test_the_api_answers_503_with_retry_after_under_a_held_lock(staff: Any) -> None:
    api = ApiClient(staff["sales"])
    with write_lock_held("audit_auditevent", "audit_chainhead"):
        response = api.post("/persons", {"first_name": "Maija", "last_name": "Virtanen"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["code"] == "busy"
    assert int(response["Retry-After"]) > 0
    # and once the lock is gone, the same call goes through
    response = api.post("/persons", {"first_name": "Maija", "last_name": "Virtanen"})
    assert response.status_code == 201, response.content


def test_a_staff_page_that_writes_answers_a_503_page(staff: Any, make_person: Any) -> None:
    person = make_person()
    client = Client()
    client.force_login(staff["sales"])
    with write_lock_held("audit_auditevent", "audit_chainhead", "django_session"):
        response = client.get(f"/staff/register/persons/{person.pk}/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Yritä uudelleen 10 sekunnin kuluttua" in response.content.decode()  # Finnish first


def test_a_read_only_page_is_shown_though_its_session_cannot_be_saved(staff: Any) -> None:
    client = Client()
    client.force_login(staff["sales"])
    with write_lock_held("django_session"):
        response = client.get("/staff/")
    assert response.status_code == 200
