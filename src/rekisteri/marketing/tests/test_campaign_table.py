"""The campaign list as a table: filters by status and kind, the audience and the results
(sent, opened, clicked: counts only), and the empty states."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rekisteri.marketing.models import Campaign, CampaignRecipient, RecipientStatus

pytestmark = pytest.mark.django_db


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/staff/marketing/campaigns/\d+/">([^<]+)</a>', html)


def test_campaign_list_filters_and_shows_results(staff, fi_controller, make_person):
    draft = Campaign.objects.create(controller=fi_controller, name="Luonnos", status="draft")
    sent = Campaign.objects.create(
        controller=fi_controller, name="Syksy", status="sent", total=2, sent_count=2
    )
    notice = Campaign.objects.create(
        controller=fi_controller, name="Hinnasto", purpose="service", status="sent", total=1
    )
    for n in range(2):
        person = make_person(first_name=f"P{n}", email=f"p{n}@yritys.fi")
        CampaignRecipient.objects.create(
            campaign=sent,
            person=person,
            email=f"p{n}@yritys.fi",
            token=f"tok{n}",
            status=RecipientStatus.SENT,
        )
    c = Client()
    c.force_login(staff["marketing"])
    url = "/staff/marketing/campaigns/"
    html = c.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert set(_names(html)) == {draft.name, sent.name, notice.name}
    assert "3 found" in html
    row = html[html.index(">Syksy<") :].split("</tr>")[0]
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["2", "2", "0", "0"]

    assert _names(c.get(url, {"status": "draft"}).content.decode()) == [draft.name]
    assert _names(c.get(url, {"purpose": "service"}).content.decode()) == [notice.name]
    assert _names(c.get(url, {"sort": "name"}).content.decode()) == [
        notice.name,
        draft.name,
        sent.name,
    ]
    empty = c.get(url, {"status": "sending"}, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Suodattimia vastaavia kampanjoita ei ole." in empty
