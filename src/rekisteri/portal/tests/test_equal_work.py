"""The request form does the same work for a registered and an unknown address (issue 14).

The probe told registered addresses from unknown ones by time alone: 56.0 ms against 51.9 ms
median over 60 requests each (Mann-Whitney z = 6.2), because only a registered address was
looked up further, written, audited, rendered into a mail and mailed while the client waited.
Timings are not asserted here (they belong in `rekisteri bench`); the work is: the same SQL
statements in the same order, the same templates rendered, and the mail only queued in the
outbox (the worker sends it), never sent while the client waits.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from rekisteri.mail.models import Message
from rekisteri.rights.models import RequestSubject, RightsRequest
from rekisteri.testing.mail import delivered

pytestmark = pytest.mark.django_db

URL = "/rights/request/access/"


def _shape(sql: str) -> str:
    """The statement without its values: quoted strings, numbers (savepoint names too) and
    NULLs (a stand-in's missing company is a NULL where a real one binds a value)."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\bNULL\b", "?", sql)
    return re.sub(r"\d+(\.\d+)?", "?", sql)


def _but_the_rollback(sql: list[str]) -> list[str]:
    """The statements of an unknown address but the one that rolls its writes back."""
    rollbacks = [i for i, q in enumerate(sql) if q.startswith("ROLLBACK TO SAVEPOINT")]
    assert len(rollbacks) == 1
    return sql[: rollbacks[0]] + sql[rollbacks[0] + 1 :]


def _work(client, email):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"email": email})
    templates = [t.name for t in response.templates]
    return response, [_shape(q["sql"]) for q in queries.captured_queries], templates


def test_known_and_unknown_addresses_do_the_same_work(
    client, catalogue, make_person, django_capture_on_commit_callbacks
):
    make_person(email="known@example.fi")
    with django_capture_on_commit_callbacks(execute=True):
        _work(client, "warm-up@example.fi")  # the rate counters' rows exist from here on
        known, known_sql, known_templates = _work(client, "known@example.fi")
        unknown, unknown_sql, unknown_templates = _work(client, "unknown@example.fi")
    assert known.status_code == unknown.status_code == 302
    assert any("INSERT" in q and "rights_rightsrequest" in q for q in known_sql)
    # Same statements, same order; the unknown's writes are rolled back, not released.
    assert known_sql == _but_the_rollback(unknown_sql)
    assert "rights/email/verify.txt" in known_templates
    assert known_templates == unknown_templates
    # Only the registered address got a mail; the unknown one left nothing behind.
    assert [m.to for m in delivered()] == [["known@example.fi"]]
    assert RightsRequest.objects.count() == 1
    assert not RequestSubject.objects.filter(person_id=0).exists()


def test_an_address_past_its_hourly_limit_does_the_same_work_as_an_unknown_one(
    client, catalogue, make_person, django_capture_on_commit_callbacks, settings
):
    from rekisteri.rights import services

    make_person(email="busy@example.fi")
    with django_capture_on_commit_callbacks(execute=True):
        _work(client, "warm-up@example.fi")
        for _ in range(services.PUBLIC_REQUESTS_PER_HOUR):
            _work(client, "busy@example.fi")
        _r, limited_sql, limited_templates = _work(client, "busy@example.fi")
        _r, unknown_sql, unknown_templates = _work(client, "unknown@example.fi")
    assert limited_sql == unknown_sql  # both rolled back
    assert limited_templates == unknown_templates
    assert len(delivered()) == services.PUBLIC_REQUESTS_PER_HOUR


@pytest.mark.django_db(transaction=True)  # real commits, as in a server
def test_the_mail_is_queued_not_sent_while_the_client_waits(catalogue, make_person):
    from django.contrib.auth.models import AnonymousUser

    from rekisteri.portal.views import request_form

    make_person(email="known@example.fi")
    request = RequestFactory().post(URL, {"email": "known@example.fi"}, REMOTE_ADDR="192.0.2.9")
    request.user = AnonymousUser()
    response = request_form(request, kind="access")
    assert response.status_code == 302
    assert mail.outbox == []  # committed and queued; nothing sent while the client waited
    assert Message.objects.count() == 1
    # An unknown address commits too, with nothing of its rolled-back work in it.
    request = RequestFactory().post(URL, {"email": "nobody@example.fi"}, REMOTE_ADDR="192.0.2.9")
    request.user = AnonymousUser()
    response = request_form(request, kind="access")
    assert response.status_code == 302
    assert Message.objects.count() == 1
    assert [m.to for m in delivered()] == [["known@example.fi"]]
    assert RightsRequest.objects.count() == 1
    assert not RequestSubject.objects.filter(person_id=0).exists()
