from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.consent.models import Consent, ControllerMarketingSettings
from rekisteri.consent.selectors import Reason, marketing_permission
from rekisteri.marketing.bounces import bounce_scope, bounces_from_message, parse_dsn
from rekisteri.marketing.models import (
    Campaign,
    CampaignRecipient,
    Segment,
    Subscription,
    TrackingEvent,
)
from rekisteri.marketing.public_views import bounce_webhook_token
from rekisteri.marketing.selectors import segments_for_person
from rekisteri.marketing.sending import build_message, campaign_prepare
from rekisteri.marketing.services import (
    campaign_save,
    mailing_list_create,
    segment_refresh,
    segment_save,
    subscription_request,
)
from rekisteri.testing.mail import delivered

DSN = b"""From: MAILER-DAEMON@mx.example
To: rekisteri@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

--BOUND
Content-Type: text/plain

Your message could not be delivered.

--BOUND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; gone@asiakas.fi
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--BOUND
Content-Type: text/rfc822-headers

List-Unsubscribe: <https://rekisteri.example/m/u/%s>
Subject: Hei

--BOUND--
"""


def test_double_opt_in_subscribes_only_after_the_link_and_keeps_the_proof(
    fi_controller, actor, scope, make_person, settings
):
    settings.BASE_URL = "https://rekisteri.example"
    lst = mailing_list_create(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        name="Webinaarit",
        opt_in="double",
        consent_text="Haluan kutsut webinaareihin.",
        consent_text_version="v3",
    )
    person = make_person(email="kuluttaja@example.fi", is_consumer=True)
    with CaptureOnCommit():
        sub = subscription_request(
            actor=actor, scope=scope, mailing_list=lst, person=person, method="web_form"
        )
    assert sub.status == "pending"
    assert marketing_permission(person=person).reason_code == Reason.NO_PERMISSION
    link = next(line for line in delivered()[0].body.splitlines() if "/m/confirm/" in line)

    page = Client().get(link.removeprefix("https://rekisteri.example"))
    assert page.status_code == 200 and b"Haluan kutsut webinaareihin." in page.content
    Client().post(
        link.removeprefix("https://rekisteri.example"),
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="Firefox",
    )

    sub.refresh_from_db()
    assert sub.status == "subscribed"
    proof = Consent.objects.get(person=person, mailing_list=lst, superseded_at__isnull=True)
    assert (proof.method, proof.ip, proof.user_agent) == (
        "double_opt_in",
        "198.51.100.7",
        "Firefox",
    )
    assert (proof.text, proof.text_version) == ("Haluan kutsut webinaareihin.", "v3")
    assert marketing_permission(person=person).reason_code == Reason.ALLOWED_SUBSCRIBED


class CaptureOnCommit:
    """Run transaction.on_commit callbacks inside a test transaction."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        from django.db import connection

        self._before = len(connection.run_on_commit)
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        from django.db import connection

        callbacks = connection.run_on_commit[self._before :]
        connection.run_on_commit[self._before :] = []
        if exc[0] is None:
            for _sids, func, _robust in callbacks:
                func()


def _sent_campaign(fi_controller, actor, scope, person, purpose="marketing"):  # type: ignore[no-untyped-def]
    campaign = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={
            "name": f"C{Campaign.objects.count()}",
            "purpose": purpose,
            "subject_fi": "Hei",
            "body_fi": "Katso https://esimerkki.example/a",
            "rate": 0,
        },
    )
    campaign_prepare(actor=actor, scope=scope, campaign=campaign)
    return CampaignRecipient.objects.get(campaign=campaign, person=person)


def test_hard_bounce_marks_the_address_undeliverable_and_excludes_it(
    fi_controller, actor, scope, make_person
):
    person = make_person(email="gone@asiakas.fi", is_contact_person=True)
    recipient = _sent_campaign(fi_controller, actor, scope, person)
    raw = DSN.replace(b"%s", recipient.token.encode())
    assert parse_dsn(raw)[0].kind == "hard"

    result = bounces_from_message(raw, scope=bounce_scope("mailbox"), source="mailbox")

    assert result.hard == 1
    assert person.contact_points.get(kind="email").undeliverable_at is not None
    assert marketing_permission(person=person).reason_code == Reason.BOUNCED


def test_bounce_webhook_needs_its_token(fi_controller, actor, scope, make_person):
    person = make_person(email="gone@asiakas.fi", is_contact_person=True)
    recipient = _sent_campaign(fi_controller, actor, scope, person)
    raw = DSN.replace(b"%s", recipient.token.encode())
    assert Client().post("/m/bounces", raw, content_type="message/rfc822").status_code == 403
    ok = Client().post(
        "/m/bounces",
        raw,
        content_type="message/rfc822",
        HTTP_AUTHORIZATION=f"Bearer {bounce_webhook_token()}",
    )
    assert ok.status_code == 200 and ok.json()["hard"] == 1


def test_tracking_records_opens_and_clicks_unless_the_person_said_do_not_track(
    fi_controller, actor, scope, make_person
):
    ControllerMarketingSettings.objects.update_or_create(
        controller=fi_controller, defaults={"open_tracking": True, "click_tracking": True}
    )
    tracked = make_person(email="a@asiakas.fi", is_contact_person=True)
    private = make_person(email="b@asiakas.fi", is_contact_person=True)
    from rekisteri.consent.services import tracking_objection_record

    tracking_objection_record(
        actor=actor, person=private, method="staff", scope=system_scope("test")
    )
    campaign = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={"name": "T", "subject_fi": "Hei", "body_fi": "Katso https://esimerkki.example/a"},
    )
    campaign_prepare(actor=actor, scope=scope, campaign=campaign)
    rows = {r.person_id: r for r in CampaignRecipient.objects.filter(campaign=campaign)}
    assert rows[tracked.pk].tracked and not rows[private.pk].tracked
    html = build_message(
        campaign=campaign, recipient=rows[tracked.pk], person=tracked
    ).alternatives[0][0]
    click = html.split('href="')[1].split('"')[0]
    assert "/m/c/" in click

    client = Client()
    assert client.get(click.removeprefix("http://127.0.0.1:8000")).status_code == 302
    client.get(f"/m/o/{rows[tracked.pk].token}.gif")
    client.get(f"/m/o/{rows[private.pk].token}.gif")

    kinds = sorted(TrackingEvent.objects.values_list("recipient__person_id", "kind"))
    assert kinds == [(tracked.pk, "click"), (tracked.pk, "open")]
    private_html = build_message(
        campaign=campaign, recipient=rows[private.pk], person=private
    ).alternatives[0][0]
    assert "/m/o/" not in private_html and "/m/c/" not in private_html
    # Do not track is not do not contact: the person still gets the message.
    assert marketing_permission(person=private).allowed


def test_preference_centre_changes_lists_channels_and_stop_all(
    fi_controller, actor, scope, make_person
):
    lst = mailing_list_create(
        actor=actor, scope=scope, controller=fi_controller, name="Uutiset", opt_in="single"
    )
    person = make_person(email="p@asiakas.fi", is_contact_person=True)
    subscription_request(actor=actor, scope=scope, mailing_list=lst, person=person, method="staff")
    token = _sent_campaign(fi_controller, actor, scope, person).token
    client = Client()
    assert client.get(f"/m/p/{token}").status_code == 200

    client.post(f"/m/p/{token}", {"channels": ["email"], "language": "sv"})
    assert Subscription.objects.get(person=person).status == "unsubscribed"
    person.refresh_from_db()
    assert person.language == "sv"
    assert marketing_permission(person=person).allowed

    client.post(f"/m/p/{token}", {"stop_all": "1"})
    assert marketing_permission(person=person).reason_code == Reason.OBJECTED
    assert not client.cookies


def test_segment_members_carry_their_rules_and_categories(fi_controller, actor, scope, make_person):
    from rekisteri.interactions.models import Agreement

    big = make_person(email="big@asiakas.fi", is_contact_person=True)
    small = make_person(email="small@asiakas.fi", is_contact_person=True)
    for person, amount, days_ago in ((big, "5000", 10), (small, "100", 10), (big, "999", 800)):
        Agreement.objects.create(
            controller=fi_controller,
            person=person,
            kind="order",
            amount=Decimal(amount),
            occurred_at=timezone.now() - timedelta(days=days_ago),
        )
    segment = segment_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        name="Isot asiakkaat",
        rules=[{"rule": "purchase_total", "value": 1000, "days": 365}],
    )

    assert segment_refresh(actor=actor, scope=scope, segment=segment) == 1

    [explained] = segments_for_person(person_id=big.pk)
    assert explained["segment"] == "Isot asiakkaat"
    assert explained["rules"] == ["ordered at least 1000 EUR in the last 365 days"]
    assert explained["categories"] == ["customer_relationship"]
    assert segments_for_person(person_id=small.pk) == []
    assert Segment.objects.get(pk=segment.pk).member_count == 1


def test_segment_rule_errors_name_the_rule(fi_controller, actor, scope):
    from rekisteri.marketing.services import MarketingInputError

    with pytest.raises(MarketingInputError) as exc:
        segment_save(
            actor=actor,
            scope=scope,
            controller=fi_controller,
            name="x",
            rules=[{"rule": "industry", "value": "a"}, {"rule": "purchase_total", "value": "lots"}],
        )
    assert "rules[2] (purchase_total): value" in exc.value.errors["rules"]


def test_a_mail_to_the_list_unsubscribe_mailto_address_unsubscribes(
    fi_controller, actor, scope, make_person, tmp_path
):
    import mailbox
    import re

    from django.core.management import call_command

    from rekisteri.consent.models import ConsentMethod, ConsentState
    from rekisteri.consent.suppression import suppression_match

    person = make_person(email="lukija@asiakas.fi", is_contact_person=True)
    gone = make_person(email="gone@asiakas.fi", is_contact_person=True)
    recipient = _sent_campaign(fi_controller, actor, scope, person)
    bounced = CampaignRecipient.objects.get(campaign=recipient.campaign, person=gone)
    assert marketing_permission(person=person).allowed
    header = build_message(
        campaign=recipient.campaign, recipient=recipient, person=person
    ).extra_headers["List-Unsubscribe"]
    address = re.search(r"<mailto:([^?>]+)", header).group(1)

    box = mailbox.mbox(tmp_path / "inbox")
    box.add(
        f"From: lukija@asiakas.fi\nTo: {address}\nSubject: unsubscribe\n\nunsubscribe\n".encode()
    )
    box.add(DSN.replace(b"%s", bounced.token.encode()))
    box.add(b"From: someone@asiakas.fi\nTo: info@example.fi\nSubject: hello\n\nhi\n")
    box.flush()
    box.close()

    call_command("bounces", str(tmp_path / "inbox"), "--delete")

    assert marketing_permission(person=person).reason_code == Reason.OBJECTED  # opted out
    withdrawal = Consent.objects.filter(person=person, state=ConsentState.WITHDRAWN).get()
    assert withdrawal.method == ConsentMethod.EMAIL
    assert suppression_match(email="lukija@asiakas.fi")
    assert marketing_permission(person=gone).reason_code == Reason.BOUNCED
    # Only the mail that was neither is left in the mailbox.
    left = [m["Subject"] for m in mailbox.mbox(tmp_path / "inbox")]
    assert left == ["hello"]
