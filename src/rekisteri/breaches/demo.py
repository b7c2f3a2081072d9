"""Demo hook: one open breach with its clock running, one closed without notification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.breaches.models import Breach
from rekisteri.breaches.services import breach_record


def load(*, stdout: Any) -> None:
    if Breach.objects.exists():
        stdout.write("breaches demo: already present")
        return
    now = timezone.now()
    actor = Actor("demo")
    scope = system_scope(
        "demo data: two breaches", actor=actor.name, capabilities=[Cap.KEEP_BREACH_REGISTER]
    )
    breach_record(
        scope=scope,
        actor=actor,
        data={
            "title": "Customer list sent to the wrong address",
            "nature": ["confidentiality"],
            "description": "A salesperson emailed a contact list to a customer by mistake.",
            "discovered_at": now - dt.timedelta(hours=20),
            "occurred_from": now - dt.timedelta(days=1),
            "occurred_until": now - dt.timedelta(hours=21),
            "categories": ["basic", "contact", "organisation_link"],
            "consequences": "Contact details could be used for unwanted marketing.",
            "measures": "The recipient was asked to delete the message and confirmed it.",
            "risk": "risk",
        },
    )
    breach_record(
        scope=scope,
        actor=actor,
        data={
            "title": "Encrypted laptop stolen",
            "nature": ["availability"],
            "description": "A laptop with a full-disk-encrypted cache of the register was stolen.",
            "discovered_at": now - dt.timedelta(days=40),
            "categories": ["basic", "contact"],
            "risk": "unlikely",
            "authority_not_notified_reason": "The disk was encrypted and the key was not lost.",
            "persons_not_notified_reason": "No risk to the people: the data was unreadable.",
            "closed_at": now - dt.timedelta(days=38),
        },
    )
    stdout.write("breaches demo: 2 breaches recorded (see /staff/breaches/)")
