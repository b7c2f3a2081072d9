"""Done-when: campaigns through a real SMTP peer, one-click unsubscribe, exclusions, crash."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.consent.models import ControllerMarketingSettings
from rekisteri.consent.services import marketing_objection_record, suppression_add
from rekisteri.marketing.audience import campaign_audience, excluded_preview
from rekisteri.marketing.models import CampaignRecipient, RecipientStatus, TrackingEvent
from rekisteri.marketing.sending import campaign_send
from rekisteri.marketing.services import campaign_save, mailing_list_create, subscription_request

pytestmark = pytest.mark.django_db(transaction=True)


def body_text(msg) -> str:  # type: ignore[no-untyped-def]
    return msg.get_body(("plain",)).get_content()


def body_html(msg) -> str:  # type: ignore[no-untyped-def]
    return msg.get_body(("html",)).get_content()


@pytest.fixture
def news(fi_controller, actor, scope):  # type: ignore[no-untyped-def]
    return mailing_list_create(
        actor=actor, scope=scope, controller=fi_controller, name="Uutiskirje", opt_in="single"
    )


def subscribe(lst, person, actor, scope):  # type: ignore[no-untyped-def]
    return subscription_request(
        actor=actor, scope=scope, mailing_list=lst, person=person, method="staff"
    )


def campaign(fi_controller, actor, scope, *, lists=(), purpose="marketing", name="Syksy"):  # type: ignore[no-untyped-def]
    return campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={
            "name": name,
            "purpose": purpose,
            "subject_fi": "Hei {first_name}",
            "body_fi": "Uutisia: https://esimerkki.example/uutiset\nTerveisin",
            "subject_en": "Hello {first_name}",
            "body_en": "News: https://esimerkki.example/news",
            "rate": 0,
        },
        lists=list(lists),
    )


def test_campaign_reaches_smtp_with_one_click_unsubscribe_that_sticks(
    smtp, fi_controller, actor, scope, worker, news, make_person
):
    anna = make_person(first_name="Anna", email="anna@asiakas.fi", is_contact_person=True)
    ben = make_person(
        first_name="Ben", email="ben@customer.example", is_contact_person=True, language="en"
    )
    for p in (anna, ben):
        subscribe(news, p, actor, scope)
    first = campaign(fi_controller, actor, scope, lists=[news])

    report = campaign_send(actor=actor, scope=worker, campaign=first)

    assert report.sent == 2
    assert sorted(smtp.recipients()) == ["anna@asiakas.fi", "ben@customer.example"]
    msg = smtp.to("anna@asiakas.fi")[0]
    assert msg["Subject"] == "Hei Anna"
    assert smtp.to("ben@customer.example")[0]["Subject"] == "Hello Ben"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = re.findall(r"<([^>]+)>", msg["List-Unsubscribe"])
    assert https.startswith("https://rekisteri.example/m/u/")
    assert mailto.startswith("mailto:unsubscribe+")
    assert https in body_text(msg)
    assert f'href="{https}"' in body_html(msg)

    # The mail provider POSTs with no cookie and no CSRF token, and gets 200 at once.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        https.removeprefix("https://rekisteri.example"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not response.cookies

    second = campaign(fi_controller, actor, scope, lists=[news], name="Talvi")
    audience = campaign_audience(second)
    assert audience.included == 1
    assert audience.excluded["objected"] == 1
    campaign_send(actor=actor, scope=worker, campaign=second)
    assert smtp.recipients().count("anna@asiakas.fi") == 1
    assert smtp.recipients().count("ben@customer.example") == 2


def test_unsubscribe_get_shows_a_confirm_page_and_changes_nothing(
    smtp, fi_controller, actor, scope, worker, news, make_person
):
    anna = make_person(email="anna@asiakas.fi", is_contact_person=True)
    subscribe(news, anna, actor, scope)
    campaign_send(
        actor=actor, scope=worker, campaign=campaign(fi_controller, actor, scope, lists=[news])
    )
    token = CampaignRecipient.objects.get(person=anna).token

    page = Client().get(f"/m/u/{token}")

    assert page.status_code == 200
    assert b'name="List-Unsubscribe" value="One-Click"' in page.content
    assert (
        campaign_audience(campaign(fi_controller, actor, scope, lists=[news], name="B")).included
        == 1
    )


def test_each_exclusion_is_counted_under_its_reason(fi_controller, actor, scope, make_person):
    make_person(email="yritys@asiakas.fi", is_contact_person=True)
    objector = make_person(email="kielto@asiakas.fi", is_contact_person=True)
    marketing_objection_record(
        actor=actor, person=objector, source="staff", scope=system_scope("test")
    )
    restricted = make_person(email="rajoitus@asiakas.fi", is_contact_person=True)
    restricted.restricted_since = timezone.now()
    restricted.save(update_fields=["restricted_since"])
    # Erased earlier: only the suppression entry remains; then imported again.
    suppression_add(
        actor=actor, email="poistettu@asiakas.fi", reason="erasure", scope=system_scope("test")
    )
    make_person(email="poistettu@asiakas.fi", is_contact_person=True)
    make_person(email="kuluttaja@example.fi", is_consumer=True)
    everyone = campaign(fi_controller, actor, scope)

    audience = campaign_audience(everyone)

    assert audience.included == 1
    assert audience.allowed_by == {"b2b": 1}
    assert audience.excluded["objected"] == 1
    assert audience.excluded["restricted"] == 1
    assert audience.excluded["suppressed"] == 1
    assert audience.excluded["no_permission"] == 1
    reasons = {row["reason_code"] for row in excluded_preview(everyone)}
    assert reasons == {"objected", "restricted", "suppressed", "no_permission"}


def test_service_message_reaches_who_unsubscribed_and_is_never_tracked(
    smtp, fi_controller, actor, scope, worker, news, make_person
):
    ControllerMarketingSettings.objects.update_or_create(
        controller=fi_controller, defaults={"open_tracking": True, "click_tracking": True}
    )
    anna = make_person(email="anna@asiakas.fi", is_contact_person=True)
    subscribe(news, anna, actor, scope)
    campaign_send(
        actor=actor, scope=worker, campaign=campaign(fi_controller, actor, scope, lists=[news])
    )
    marketing_msg = smtp.to("anna@asiakas.fi")[0]
    assert "/m/o/" in body_html(marketing_msg) and "/m/c/" in body_html(marketing_msg)
    token = CampaignRecipient.objects.get(person=anna).token
    assert Client().post(f"/m/u/{token}", {"List-Unsubscribe": "One-Click"}).status_code == 200

    notice = campaign(fi_controller, actor, scope, lists=[news], purpose="service", name="Hinnat")
    report = campaign_send(actor=actor, scope=worker, campaign=notice)

    assert report.sent == 1
    msg = smtp.to("anna@asiakas.fi")[-1]
    assert msg["List-Unsubscribe"] is None
    html = body_html(msg)
    assert "/m/o/" not in html and "/m/c/" not in html
    assert 'href="https://esimerkki.example/uutiset"' in html
    service_row = CampaignRecipient.objects.get(campaign=notice)
    assert service_row.tracked is False
    Client().get(f"/m/o/{service_row.token}.gif")
    assert not TrackingEvent.objects.filter(recipient=service_row).exists()


def test_crash_mid_send_and_restart_send_each_message_exactly_once(
    smtp, fi_controller, actor, scope, worker, news, make_person
):
    people = [
        make_person(email=f"henkilo{i}@asiakas.fi", is_contact_person=True) for i in range(12)
    ]
    for p in people:
        subscribe(news, p, actor, scope)
    big = campaign(fi_controller, actor, scope, lists=[news])
    count = {"n": 0}

    def crash_after_five(_row):  # type: ignore[no-untyped-def]
        count["n"] += 1
        if count["n"] == 5:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        campaign_send(
            actor=actor, scope=worker, campaign=big, on_sent=crash_after_five, batch_size=4
        )
    assert len(smtp.messages) == 5
    assert CampaignRecipient.objects.filter(campaign=big, status=RecipientStatus.SENT).count() == 5

    report = campaign_send(actor=actor, scope=worker, campaign=big)

    assert report.sent == 7
    assert sorted(smtp.recipients()) == sorted(f"henkilo{i}@asiakas.fi" for i in range(12))
    big.refresh_from_db()
    assert big.status == "sent" and big.sent_count == 12


def test_campaign_send_command_works_with_the_default_console_email(
    settings, capsys, fi_controller, actor, scope, news, make_person
):
    """Without EMAIL_URL mail goes to the console; `campaign send` must deliver there."""
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    anna = make_person(first_name="Anna", email="anna@asiakas.fi", is_contact_person=True)
    subscribe(news, anna, actor, scope)
    first = campaign(fi_controller, actor, scope, lists=[news])

    call_command("campaign", "send", str(first.pk), "--no-progress")

    out = capsys.readouterr().out
    assert "To: anna@asiakas.fi" in out
    assert "Subject: Hei Anna" in out
    row = CampaignRecipient.objects.get(person=anna)
    assert row.status == RecipientStatus.SENT
