"""Demo data for marketing: a mailing list with subscribers, a segment, a draft campaign."""

from __future__ import annotations

from typing import Any

from rekisteri.access.capabilities import Cap
from rekisteri.marketing.models import Campaign, MailingList, OptIn, Segment
from rekisteri.marketing.processing import system_actor, system_scope
from rekisteri.marketing.services import campaign_save, segment_refresh, subscription_request
from rekisteri.register.models import Controller, Person

BODY_FI = (
    "Hei {first_name},\n\n"
    "syksyn uutiskirjeessä: uusi tilitoimistopalvelu ja webinaari sähköisestä taloushallinnosta.\n"
    "Lue lisää: https://esimerkki.example/uutiset\n\n"
    "Ystävällisin terveisin\nEsimerkki Oy"
)
BODY_SV = (
    "Hej {first_name},\n\n"
    "i höstens nyhetsbrev: en ny redovisningstjänst och ett webbinarium om digital ekonomi.\n"
    "Läs mer: https://esimerkki.example/nyheter\n\n"
    "Med vänliga hälsningar\nEsimerkki Oy"
)
BODY_EN = (
    "Hello {first_name},\n\n"
    "in our autumn newsletter: a new accounting service and a webinar on digital finance.\n"
    "Read more: https://esimerkki.example/news\n\n"
    "Kind regards\nEsimerkki Oy"
)


def load(*, stdout: Any) -> None:
    controller = Controller.objects.filter(code="esimerkki-fi").first() or (
        Controller.objects.order_by("pk").first()
    )
    if controller is None:
        stdout.write("marketing demo: no group company, skipped")
        return
    scope = system_scope(
        "demo data: a mailing list, a segment and a draft campaign",
        Cap.SEND_DIRECT_MARKETING,
        Cap.PROFILE_SEGMENTS,
    )
    actor = system_actor(scope)
    lst, created = MailingList.objects.get_or_create(
        controller=controller,
        name="Uutiskirje",
        defaults={
            "opt_in": OptIn.DOUBLE,
            "description": "Kuukausittainen uutiskirje asiakkaille ja yhteistyökumppaneille.",
            "consent_text": "Haluan Esimerkki Oy:n uutiskirjeen sähköpostiini. "
            "Voin perua tilauksen milloin tahansa jokaisen viestin linkistä.",
            "consent_text_version": "2026-01",
        },
    )
    if created:
        for person in Person.objects.filter(controller=controller).order_by("pk")[:25]:
            if person.contact_points.filter(kind="email").exists():
                subscription_request(
                    actor=actor,
                    scope=scope,
                    mailing_list=lst,
                    person=person,
                    method="import",
                    send_confirmation=False,
                    confirmed=True,
                )
    segment, seg_created = Segment.objects.get_or_create(
        controller=controller,
        name="Ohjelmistoalan yhteyshenkilöt",
        defaults={
            "rules": [{"rule": "industry", "value": "ohjelmistot"}],
            "description": "Yhteyshenkilöt ohjelmistoalan asiakasyrityksissä.",
        },
    )
    if seg_created:
        segment_refresh(actor=actor, scope=scope, segment=segment)
    if not Campaign.objects.filter(controller=controller, name="Syksyn uutiskirje").exists():
        campaign_save(
            actor=actor,
            scope=scope,
            controller=controller,
            data={
                "name": "Syksyn uutiskirje",
                "purpose": "marketing",
                "subject_fi": "Syksyn uutiset, {first_name}",
                "subject_sv": "Höstens nyheter, {first_name}",
                "subject_en": "Autumn news, {first_name}",
                "body_fi": BODY_FI,
                "body_sv": BODY_SV,
                "body_en": BODY_EN,
                "rate": 20,
            },
            lists=[lst],
        )
    draft = Campaign.objects.get(controller=controller, name="Syksyn uutiskirje")
    stdout.write(
        f"marketing demo: list '{lst.name}' ({lst.subscriptions.filter(status='subscribed').count()}"
        f" subscribers), segment '{segment.name}' ({segment.member_count}), draft campaign "
        f"{draft.pk} ready: Marketing → the campaign → Send (the worker sends it)"
    )
