"""Marketing is scoped: one group company's lists, segments and campaigns do not exist for
another's staff; what is recorded names the catalogue's purposes; the worker says why."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import scope_for
from rekisteri.audit.models import AuditEvent
from rekisteri.audit.services import Actor
from rekisteri.marketing.models import Campaign, CampaignRecipient, Segment
from rekisteri.marketing.processing import system_scope
from rekisteri.marketing.services import (
    campaign_queue,
    campaign_save,
    mailing_list_create,
    segment_refresh,
    segment_save,
    subscription_request,
)
from rekisteri.testing.fixtures import DEMO_CATALOGUE, make_staff


@pytest.fixture
def fi_marketing(fi_controller: Any, scope: Any, actor: Actor, make_person: Any) -> Any:
    """A list with a subscriber, a segment and a draft campaign of the Finnish company."""
    news = mailing_list_create(
        actor=actor, scope=scope, controller=fi_controller, name="Uutiset", opt_in="single"
    )
    person = make_person(email="lukija@asiakas.fi", is_contact_person=True)
    subscription_request(actor=actor, scope=scope, mailing_list=news, person=person, method="staff")
    segment = segment_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        name="Suomenkieliset",
        rules=[{"rule": "language", "value": "fi"}],
    )
    campaign = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={"name": "Kevät", "subject_fi": "Hei", "body_fi": "Uutisia", "rate": 0},
        lists=[news],
    )
    return {"list": news, "segment": segment, "campaign": campaign}


@pytest.fixture
def se_marketer(se_controller: Any) -> Any:
    return make_staff("marknad.se", ["marketing"], [se_controller])


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_marketer_of_another_company_gets_404_for_its_campaign_list_and_segment_pages(
    fi_marketing: Any, se_marketer: Any, staff: Any
) -> None:
    campaign, news, segment = (
        fi_marketing["campaign"],
        fi_marketing["list"],
        fi_marketing["segment"],
    )
    pages = [
        f"/staff/marketing/campaigns/{campaign.pk}/",
        f"/staff/marketing/campaigns/{campaign.pk}/edit/",
        f"/staff/marketing/campaigns/{campaign.pk}/progress/",
        f"/staff/marketing/lists/{news.pk}/",
        f"/staff/marketing/segments/{segment.pk}/",
    ]
    own = _client(staff["marketing"])
    assert [own.get(url).status_code for url in pages] == [200] * len(pages)

    other = _client(se_marketer)
    assert [other.get(url).status_code for url in pages] == [404] * len(pages)
    # Not listed either, and not offered when making a campaign.
    for url in ("/staff/marketing/campaigns/", "/staff/marketing/lists/"):
        page = other.get(url).content.decode()
        assert "Kevät" not in page and "Uutiset" not in page
    assert "Uutiset" not in other.get("/staff/marketing/campaigns/new/").content.decode()
    assert "Suomenkieliset" not in other.get("/staff/marketing/segments/").content.decode()


def test_marketer_of_another_company_cannot_queue_its_campaign_or_compute_its_segment(
    fi_marketing: Any, se_marketer: Any
) -> None:
    campaign, segment = fi_marketing["campaign"], fi_marketing["segment"]
    other = _client(se_marketer)

    queued = other.post(f"/staff/marketing/campaigns/{campaign.pk}/queue/")
    computed = other.post(f"/staff/marketing/segments/{segment.pk}/compute/")

    assert (queued.status_code, computed.status_code) == (404, 404)
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert not CampaignRecipient.objects.filter(campaign=campaign).exists()
    assert Segment.objects.get(pk=segment.pk).computed_at is None


def test_services_refuse_another_companys_campaign_and_segment(
    fi_marketing: Any, se_marketer: Any
) -> None:
    """Called from a command or another app, a service checks the scope itself."""
    se_scope = scope_for(se_marketer)
    campaign, segment = fi_marketing["campaign"], fi_marketing["segment"]

    with pytest.raises(ProcessingRefused) as queued:
        campaign_queue(actor=Actor("marknad.se"), scope=se_scope, campaign=campaign)
    with pytest.raises(ProcessingRefused):
        segment_refresh(actor=Actor("marknad.se"), scope=se_scope, segment=segment)

    assert queued.value.code == "controller"
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"
    assert not CampaignRecipient.objects.filter(campaign=campaign).exists()


def test_a_role_without_direct_marketing_cannot_save_a_campaign(
    fi_controller: Any, staff: Any
) -> None:
    with pytest.raises(ProcessingRefused) as refused:
        campaign_save(
            actor=Actor("sales"),
            scope=scope_for(staff["sales"]),
            controller=fi_controller,
            data={"name": "X", "subject_fi": "Hei", "body_fi": "Teksti"},
        )
    assert refused.value.code == "capability"
    assert not Campaign.objects.exists()


def test_campaign_worker_records_why_it_acts_and_the_catalogues_purpose(
    fi_marketing: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    campaign = fi_marketing["campaign"]

    call_command("campaign", "send", str(campaign.pk), "--no-progress")

    events = AuditEvent.objects.filter(
        record=f"marketing.Campaign:{campaign.pk}", action="marketing"
    )
    assert {e.reason for e in events} == {"marketing campaign queued", "marketing campaign sent"}
    assert {e.actor for e in events} == {f"system: rekisteri campaign send {campaign.pk}"}
    assert {e.purpose for e in events} == {"direct_marketing"}


def _catalogue(old: str, new: str) -> str:
    return DEMO_CATALOGUE.read_text(encoding="utf-8").replace(old, new)


def _load(text: str) -> None:
    from rekisteri.catalogue.services import catalogue_load

    catalogue_load(text=text, source_name="test", actor=Actor("test"))


def test_the_purpose_recorded_is_the_catalogues_whatever_it_is_called(
    fi_marketing: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _load(_catalogue('"direct_marketing"', '"markkinointi"'))
    campaign = fi_marketing["campaign"]

    call_command("campaign", "send", str(campaign.pk), "--no-progress")

    sent = AuditEvent.objects.get(
        record=f"marketing.Campaign:{campaign.pk}", reason__endswith="sent"
    )
    assert sent.purpose == "markkinointi"


def test_sending_fails_closed_when_no_purpose_covers_direct_marketing(
    fi_marketing: Any,
) -> None:
    _load(_catalogue('"send_direct_marketing", ', ""))
    campaign = fi_marketing["campaign"]

    with (
        translation.override("en"),
        pytest.raises(CommandError, match="no purpose in the processing catalogue covers"),
    ):
        call_command("campaign", "send", str(campaign.pk), "--no-progress")
    with pytest.raises(ProcessingRefused) as refused:
        system_scope("a test", Cap.SEND_DIRECT_MARKETING)

    assert refused.value.code == "capability_off"
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"
    assert not CampaignRecipient.objects.filter(campaign=campaign).exists()
