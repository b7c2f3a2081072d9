"""The campaign composer: it refuses an unknown placeholder (naming it and the allowed ones)
and a rate that makes no sense, previews each language for a made-up recipient, and sends
only after the user confirmed the audience count."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rekisteri.marketing.models import Campaign, CampaignRecipient

pytestmark = pytest.mark.django_db

NEW = "/staff/marketing/campaigns/new/"
FORM = {"name": "Kevät", "purpose": "marketing", "subject_fi": "Hei", "body_fi": "Uutisia"}


def login(user: Any, lang: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("part", ["subject", "body"])
def test_an_unknown_placeholder_is_refused_naming_it_and_the_allowed_ones(
    staff: Any, lang: str, part: str
) -> None:
    c = login(staff["marketing"])
    form = {**FORM, f"{part}_{lang}": "Hei {etunimi}, katso {unsubscribe_url}"}

    response = c.post(NEW, form)

    assert response.status_code == 400
    page = response.content.decode()
    assert "unknown placeholder {etunimi}" in page
    assert "{first_name}, {last_name}, {unsubscribe_url}, {preferences_url}" in page
    assert not Campaign.objects.exists()


def test_the_placeholder_error_is_in_the_users_language(staff: Any) -> None:
    page = login(staff["marketing"], "fi").post(NEW, {**FORM, "body_sv": "Hej {förnamn}"})
    text = page.content.decode()
    assert "tuntematon paikkamerkki {förnamn}" in text
    assert "Viesti (ruotsi)" in text


def test_known_placeholders_are_accepted(staff: Any) -> None:
    body = "Hei {first_name} {last_name}\n\nPeru: {unsubscribe_url} {preferences_url}"
    response = login(staff["marketing"]).post(NEW, {**FORM, "body_fi": body})
    assert response.status_code == 302
    assert Campaign.objects.get().body_fi == body


@pytest.mark.parametrize("rate", ["-5", "1.5", "kymmenen", "1e3", "1000001"])
def test_a_negative_or_nonsensical_rate_is_refused(staff: Any, rate: str) -> None:
    response = login(staff["marketing"]).post(NEW, {**FORM, "rate": rate})
    assert response.status_code == 400
    assert "Messages per second must be a whole number from 0 to 1000" in (
        response.content.decode()
    )
    assert not Campaign.objects.exists()


def test_a_sensible_rate_is_kept(staff: Any) -> None:
    assert login(staff["marketing"]).post(NEW, {**FORM, "rate": "25"}).status_code == 302
    assert Campaign.objects.get().rate == 25


def test_each_language_is_previewed_for_a_made_up_recipient(staff: Any, make_person: Any) -> None:
    make_person(first_name="Oikea", last_name="Asiakas", email="oikea@yritys.fi",
                is_contact_person=True)  # fmt: skip
    c = login(staff["marketing"])
    c.post(
        NEW,
        {
            **FORM,
            "subject_fi": "Hei {first_name}",
            "body_fi": "Hyvä {first_name} {last_name}",
            "subject_sv": "Hej {first_name}",
            "body_sv": "Bästa {first_name} {last_name}",
        },
    )
    campaign = Campaign.objects.get()

    page = c.get(f"/staff/marketing/campaigns/{campaign.pk}/").content.decode()

    assert "Hei Maija" in page and "Hyvä Maija Meikäläinen" in page
    assert "Hej Anna" in page and "Bästa Anna Andersson" in page
    # English has no text of its own: its recipients get the Finnish, and the page says so.
    assert "No text in this language" in page
    assert "Hyvä Alex Example" in page
    assert "Unsubscribe:" in page  # the footer each recipient gets
    assert "Oikea" not in page.split("Preview", 1)[1]  # no real person in the preview


def test_send_asks_with_the_audience_count_and_sends_only_on_confirm(
    staff: Any, make_person: Any
) -> None:
    for n in range(2):
        make_person(email=f"asiakas{n}@yritys.fi", is_contact_person=True)
    c = login(staff["marketing"])
    c.post(NEW, FORM)
    campaign = Campaign.objects.get()
    detail = c.get(f"/staff/marketing/campaigns/{campaign.pk}/").content.decode()
    assert f"/staff/marketing/campaigns/{campaign.pk}/send/" in detail

    confirm = c.get(f"/staff/marketing/campaigns/{campaign.pk}/send/")
    page = confirm.content.decode()
    assert "Send to 2 recipients?" in page
    assert 'name="csrfmiddlewaretoken"' in page and 'name="audience" value="2"' in page
    campaign.refresh_from_db()
    assert campaign.status == "draft"  # asking sends nothing

    # A POST that did not confirm (no count) sends nothing: it asks.
    unconfirmed = c.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/")
    assert unconfirmed.status_code == 302 and unconfirmed["Location"].endswith("/send/")
    assert not CampaignRecipient.objects.exists()

    # The audience grew after the user confirmed 2: asked again, with the new count.
    make_person(email="asiakas2@yritys.fi", is_contact_person=True)
    stale = c.post(
        f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "2"}, follow=True
    )
    assert "3 recipients now" in stale.content.decode()
    assert "Send to 3 recipients?" in stale.content.decode()
    assert not CampaignRecipient.objects.exists()

    c.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "3"})
    campaign.refresh_from_db()
    assert campaign.status == "queued" and campaign.total == 3


def test_confirm_needs_the_csrf_token(staff: Any, make_person: Any) -> None:
    make_person(email="asiakas@yritys.fi", is_contact_person=True)
    c = login(staff["marketing"])
    c.post(NEW, FORM)
    campaign = Campaign.objects.get()
    strict = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    strict.force_login(staff["marketing"])
    response = strict.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "1"})
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_a_sent_campaign_is_not_offered_for_sending_again(staff: Any, make_person: Any) -> None:
    make_person(email="asiakas@yritys.fi", is_contact_person=True)
    c = login(staff["marketing"])
    c.post(NEW, FORM)
    campaign = Campaign.objects.get()
    c.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/", {"audience": "1"})
    page = c.get(f"/staff/marketing/campaigns/{campaign.pk}/").content.decode()
    assert f"/staff/marketing/campaigns/{campaign.pk}/send/" not in page
    again = c.get(f"/staff/marketing/campaigns/{campaign.pk}/send/", follow=True)
    assert "already sent or is being sent" in again.content.decode()


@pytest.mark.parametrize(
    ("lang", "question", "preview"),
    [("fi", "Lähetetäänkö 1 vastaanottajalle?", "Esikatselu"),
     ("sv", "Skicka till 1 mottagare?", "Förhandsvisning")],
)  # fmt: skip
def test_the_confirmation_speaks_the_users_language(
    staff: Any, make_person: Any, lang: str, question: str, preview: str
) -> None:
    make_person(email="asiakas@yritys.fi", is_contact_person=True)
    c = login(staff["marketing"], lang)
    c.post(NEW, FORM)
    campaign = Campaign.objects.get()
    page = c.get(f"/staff/marketing/campaigns/{campaign.pk}/send/").content.decode()
    assert question in page and preview in page
