"""Deadline reminders to the DPO: once when a request is due within a week, every day while
it is overdue; a second run on the same day queues nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rekisteri.mail.models import Message, MessageKind
from rekisteri.rights.models import RightsRequest
from rekisteri.rights.reminders import remind_deadlines
from rekisteri.testing.mail import delivered

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def _request(controller, due: date, status: str = "open") -> RightsRequest:
    at = datetime(2026, 2, 1, 12, tzinfo=ZoneInfo("Europe/Helsinki"))
    return RightsRequest.objects.create(
        kind="access",
        channel="email",
        submitted_at=at,
        received_at=at,
        status=status,
        due_date=due,
        controller=controller,
        requester_email="pyytaja@example.fi",
    )


@pytest.fixture
def company(fi_controller):
    fi_controller.dpo_email = "tietosuoja@esimerkki.fi"
    fi_controller.save(update_fields=["dpo_email"])
    return fi_controller


def test_a_request_due_within_a_week_reminds_the_dpo_once(company):
    r = _request(company, TODAY + timedelta(days=5))
    _request(company, TODAY + timedelta(days=20))  # not yet
    _request(company, TODAY + timedelta(days=2), status="completed")  # closed
    assert remind_deadlines(today=TODAY) == 1
    assert remind_deadlines(today=TODAY) == 0
    assert remind_deadlines(today=TODAY + timedelta(days=1)) == 0, "once per deadline"
    [msg] = delivered()
    assert msg.to == ["tietosuoja@esimerkki.fi"]
    assert r.reference in msg.subject
    assert "15.3.2026" in msg.body and "5" in msg.body
    assert "pyytaja" not in msg.body, "the reminder names the request, never the person"
    assert Message.objects.get().kind == MessageKind.DEADLINE_REMINDER


def test_an_overdue_request_reminds_the_dpo_every_day(company):
    _request(company, TODAY - timedelta(days=3))
    assert remind_deadlines(today=TODAY) == 1
    assert remind_deadlines(today=TODAY) == 0
    assert remind_deadlines(today=TODAY + timedelta(days=1)) == 1
    bodies = [m.body for m in delivered()]
    assert len(bodies) == 2 and "3" in bodies[0] and "4" in bodies[1]


def test_no_dpo_address_no_reminder(fi_controller):
    fi_controller.dpo_email = ""
    fi_controller.save(update_fields=["dpo_email"])
    _request(fi_controller, TODAY - timedelta(days=1))
    assert remind_deadlines(today=TODAY) == 0
