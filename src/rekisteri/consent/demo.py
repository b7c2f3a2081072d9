"""Demo data for consent: marketing rules per group company, a few statements with proof."""

from __future__ import annotations

from typing import Any

from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.consent.models import Consent, ConsentMethod, ControllerMarketingSettings
from rekisteri.consent.services import consent_record, marketing_objection_record
from rekisteri.register.models import Controller, Person

ACTOR = Actor("demo")


def load(*, stdout: Any) -> None:
    for controller in Controller.objects.all():
        ControllerMarketingSettings.objects.get_or_create(
            controller=controller,
            defaults={"open_tracking": True, "click_tracking": True, "send_rate": 20},
        )
    if Consent.objects.exists():
        stdout.write("consent demo: already present")
        return
    scope = system_scope("demo data")
    consumers = list(Person.objects.filter(is_consumer=True).order_by("pk")[:3])
    for person in consumers[:2]:
        consent_record(
            actor=ACTOR,
            person=person,
            purpose="direct_marketing",
            channel="email",
            state="granted",
            method=ConsentMethod.WEB_FORM,
            text="Kyllä, haluan uutiskirjeen ja tarjouksia sähköpostiini.",
            text_version="2026-01",
            ip="192.0.2.10",
            user_agent="Mozilla/5.0 (demo)",
            scope=scope,
        )
    contacts = list(Person.objects.filter(is_consumer=False).order_by("pk")[:12])
    if len(contacts) > 10:
        marketing_objection_record(actor=ACTOR, person=contacts[10], source="email", scope=scope)
    stdout.write(
        f"consent demo: rules for {Controller.objects.count()} group companies, "
        f"{Consent.objects.count()} statements with proof"
    )
