"""Deadline reminders to the DPO (Art. 12(3)): a request due within DUE_SOON_DAYS gets one
reminder per deadline (a new one after an extension), an overdue one a reminder every day.

`remind_deadlines` is a callable for the worker's schedule (daily); it is idempotent per day:
each reminder carries a key (`Message.day_key`), and a second run on the same day queues
nothing. The reminder goes to the group company's DPO address through the mail outbox and
names the request by its reference and deadline only, never the person.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from rekisteri.access.capabilities import Cap
from rekisteri.audit.work import system_scope
from rekisteri.mail.models import Message, MessageKind
from rekisteri.mail.outbox import enqueue
from rekisteri.register.models import record_key
from rekisteri.rights.selectors import request_queue

log = logging.getLogger(__name__)

#: the DPO's language by the group company's country
_LANGUAGES = {"FI": "fi", "SE": "sv"}


def remind_deadlines(*, today: date | None = None) -> int:
    """Queue today's deadline reminders; returns how many were queued now."""
    today = today or timezone.localdate()
    scope = system_scope("rights deadline reminders", capabilities=[Cap.HANDLE_RIGHTS_REQUESTS])
    queued = 0
    for row in request_queue(scope=scope, show="open", today=today):
        if not (row.overdue or row.due_soon):
            continue
        r = row.request
        controller = r.controller
        if controller is None or not controller.dpo_email:
            # Named by the company's code, never a person: the operator must add the address.
            log.warning(
                "deadline reminder not queued: group company %s has no DPO address",
                controller.code if controller else "(none)",
            )
            continue
        key = (
            f"rights-overdue:{r.pk}:{today.isoformat()}"
            if row.overdue
            else f"rights-due-soon:{r.pk}:{r.deadline.isoformat()}"
        )
        if Message.objects.filter(day_key=key).exists():
            continue
        lang = _LANGUAGES.get(controller.country, "en")
        with translation.override(lang):
            ctx = {
                "reference": r.reference,
                "deadline": r.deadline,
                "overdue": row.overdue,
                "days": row.overdue_days if row.overdue else row.days_left,
                "url": settings.BASE_URL + reverse("rights:request_detail", args=[r.pk]),
            }
            subject = render_to_string("rights/email/deadline_subject.txt", ctx).strip()
            body = render_to_string("rights/email/deadline.txt", ctx)
        with transaction.atomic():
            enqueue(
                controller_id=controller.pk,
                to=controller.dpo_email,
                subject=subject,
                body=body,
                kind=MessageKind.DEADLINE_REMINDER,
                reference=record_key(r),
                day_key=key,
            )
        queued += 1
    return queued
