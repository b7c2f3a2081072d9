"""Demo interactions: a little of everything for the first contact persons of each group
company, including some records already past their retention (for `rekisteri retention
plan` and the sweep to show). Idempotent: does nothing if demo interactions exist."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rekisteri.interactions import models as m
from rekisteri.interactions.files import file_store
from rekisteri.register.models import Affiliation, Controller

DEMO = "demo"


def _at(days_ago: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _wav(seconds: int = 1) -> bytes:
    """A tiny silent WAV file, so a downloaded 'recording' opens in a player."""
    rate = 8000
    frames = rate * seconds
    header = (
        b"RIFF"
        + (36 + frames).to_bytes(4, "little")
        + b"WAVEfmt "
        + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little")
        + (1).to_bytes(2, "little")
        + rate.to_bytes(4, "little")
        + rate.to_bytes(4, "little")
        + (1).to_bytes(2, "little")
        + (8).to_bytes(2, "little")
        + b"data"
        + frames.to_bytes(4, "little")
    )
    return header + b"\x80" * frames


def load(*, stdout: Any) -> None:
    if m.Communication.objects.filter(recorded_by=DEMO).exists():
        stdout.write("interactions demo: already present")
        return
    total = 0
    today = timezone.localdate()
    for controller in Controller.objects.order_by("pk"):
        links = list(
            Affiliation.objects.filter(person__controller=controller)
            .select_related("person", "organization")
            .order_by("pk")[:12]
        )
        if not links:
            continue
        event = m.Event.objects.create(
            controller=controller,
            name="Tilinpäätösseminaari" if controller.country == "FI" else "Bokslutsseminarium",
            starts_at=_at(40, 9),
            location="Helsinki" if controller.country == "FI" else "Stockholm",
        )
        for i, link in enumerate(links):
            person, org = link.person, link.organization
            base = {"controller": controller, "person": person, "recorded_by": DEMO}
            with_org = {**base, "organization": org}
            m.Communication.objects.create(
                **with_org,
                channel=m.CommunicationKind.EMAIL_IN,
                occurred_at=_at(5 + i),
                subject="Tarjouspyyntö / Offert",
                body="Hei, pyydämme tarjousta tilinpäätöspalveluista.",
                counterpart=f"contact{i}@example.com",
            )
            m.Communication.objects.create(
                **with_org,
                channel=m.CommunicationKind.MEETING,
                occurred_at=_at(3 + i, 13),
                subject="Aloituspalaveri",
                counterpart=org.city or "Teams",
            )
            # One chat is past its 3 months, one is not.
            m.ChatTranscript.objects.create(
                **base,
                occurred_at=_at(120 if i % 3 == 0 else 20),
                transcript="Asiakas: Hei!\nAgentti: Hei, miten voin auttaa?",
            )
            if i % 2 == 0:
                m.CallRecording.objects.create(
                    **base,
                    occurred_at=_at(240 if i % 4 == 0 else 30),
                    phone_number="+358401234567",
                    duration_seconds=95,
                    summary="Kysyi laskun eräpäivästä; lähetettiin kopio.",
                    audio=file_store(data=_wav(), content_type="audio/wav", suffix="wav"),
                )
            ticket = m.ServiceRequest.objects.create(
                **with_org,
                occurred_at=_at(60 + i),
                reference=f"SR-{controller.pk}-{1000 + i}",
                subject="Kirjautuminen ei onnistu",
                description="Salasanan vaihto ei toimi.",
                status=m.RequestStatus.CLOSED if i % 2 else m.RequestStatus.OPEN,
                closed_at=_at(55 + i) if i % 2 else None,
            )
            m.ServiceRequestEvent.objects.create(
                request=ticket,
                kind=m.RequestEventKind.REPLY,
                handled_by="asiakaspalvelu",
                note="Ohje lähetetty.",
            )
            m.EventRegistration.objects.create(
                **with_org, event=event, occurred_at=_at(60), attended=i % 3 != 1
            )
            agreement = m.Agreement.objects.create(
                **with_org,
                kind=m.AgreementKind.CONTRACT,
                number=f"C-{controller.pk}-{i}",
                occurred_at=_at(400),
                amount=Decimal("12000.00"),
                description="Kirjanpito- ja palkanlaskentapalvelu",
                contact_name=str(person),
            )
            for year in (today.year - 11 if i == 0 else today.year - 2, today.year - 1):
                inv = m.Invoice.objects.create(
                    **with_org,
                    agreement=agreement,
                    number=f"{year}-{controller.pk}-{i}",
                    occurred_at=timezone.make_aware(datetime(year, 6, 30, 12)),
                    billing_year=year,
                    amount=Decimal("1000.00"),
                    recipient_name=org.name,
                    reference=f"{year}{i:04d}",
                )
                m.Payment.objects.create(invoice=inv, paid_on=date(year, 7, 14), amount=inv.amount)
            account = m.ServiceAccount.objects.create(
                **with_org, service="Asiakasportaali", username=f"user{person.pk}"
            )
            m.LoginEvent.objects.create(
                account=account, at=_at(2), ip_address="192.0.2.44", user_agent="Firefox/130"
            )
            m.UsageRecord.objects.create(account=account, at=_at(2), feature="reports", quantity=3)
            m.WebVisit.objects.create(
                **base,
                occurred_at=_at(200 if i % 2 else 10),
                ip_address="198.51.100.7",
                page="/hinnasto",
                user_agent="Mozilla/5.0",
                referrer="https://www.example.com/",
            )
            total += 12
        project = m.Project.objects.create(
            controller=controller, organization=links[0].organization, name="Tilinpäätös 2025"
        )
        m.ProjectAssignment.objects.create(
            controller=controller,
            person=links[0].person,
            project=project,
            billing_year=today.year - 1,
            role="yhteyshenkilö",
        )
        m.TimeEntry.objects.create(
            controller=controller,
            person=links[0].person,
            project=project,
            billing_year=today.year - 1,
            hours=Decimal("7.5"),
            description="Tilinpäätöksen valmistelu",
            recorded_by=DEMO,
        )
        visit = m.PremisesVisit.objects.create(
            **{"controller": controller, "person": links[1].person, "recorded_by": DEMO},
            occurred_at=_at(120),
            host="vastaanotto",
            visitor_name=str(links[1].person),
            vehicle_registration="ABC-123",
        )
        m.CameraRecording.objects.create(
            controller=controller,
            person=links[1].person,
            occurred_at=_at(120),
            camera="aula-1",
            visit=visit,
            file=file_store(data=b"demo camera clip", content_type="video/mp4", suffix="mp4"),
            recorded_by=DEMO,
        )
    stdout.write(f"interactions demo: about {total} interactions added")
