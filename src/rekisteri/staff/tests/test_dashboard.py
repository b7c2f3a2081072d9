"""The staff start page, the sidebar, the error pages and the locale formats (test client)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from rekisteri.access.selectors import scope_for, system_scope
from rekisteri.breaches.services import breach_record
from rekisteri.interactions.services import interaction_create
from rekisteri.marketing.models import Campaign
from rekisteri.rights import services as rights
from rekisteri.staff.navigation import grouped

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def home(user: Any, language: str = "en") -> str:
    response = client_for(user, language).get("/staff/")
    assert response.status_code == 200
    return response.content.decode()


def test_dpo_sees_open_and_overdue_requests_with_days_left(staff: Any, actor: Any) -> None:
    dpo = scope_for(staff["dpo"])
    received = timezone.now() - dt.timedelta(days=45)
    late, _ = rights.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="erasure",
        channel="letter",
        received_at=received,
        verification_method="signed_letter",
    )
    rights.request_create_staff(
        scope=dpo, actor=actor, kind="access", channel="letter", verification_method="signed_letter"
    )
    html = home(staff["dpo"])
    assert 'id="block-requests"' in html
    assert late.reference in html
    assert "overdue by" in html
    assert "days left" in html


def test_dpo_sees_the_72_hour_clock_of_a_breach_not_yet_told(staff: Any, actor: Any) -> None:
    dpo = scope_for(staff["dpo"])
    breach_record(
        scope=dpo,
        actor=actor,
        data={
            "title": "Laptop lost on a train",
            "nature": ["confidentiality"],
            "description": "An unencrypted export was on the laptop.",
            "discovered_at": timezone.now() - dt.timedelta(hours=10),
            "categories": ["contact"],
        },
    )
    html = home(staff["dpo"])
    assert "Laptop lost on a train" in html
    assert "62 h left" in html or "61 h left" in html


def test_sales_sees_recent_interactions_and_follow_ups_but_no_compliance_blocks(
    staff: Any, actor: Any, make_person: Any
) -> None:
    person = make_person(first_name="Aino", last_name="Virtanen")
    interaction_create(
        actor=actor,
        kind="ticket",
        person=person,
        data={"subject": "Invoice copy wanted"},
        scope=system_scope("test"),
    )
    html = home(staff["sales"])
    assert 'id="block-interactions"' in html and 'id="block-follow-ups"' in html
    assert html.count("Invoice copy wanted") == 2  # recent, and open for follow-up
    assert "Virtanen" in html
    for block in ("requests", "breaches", "audit", "campaigns"):
        assert f'id="block-{block}"' not in html


def test_an_outsider_does_not_see_the_interactions_of_another_group_company(
    staff: Any, outsider: Any, actor: Any, make_person: Any
) -> None:
    person = make_person(first_name="Aino", last_name="Virtanen")
    interaction_create(
        actor=actor,
        kind="ticket",
        person=person,
        data={"subject": "Invoice copy wanted"},
        scope=system_scope("test"),
    )
    html = home(outsider)
    assert "Invoice copy wanted" not in html and "Virtanen" not in html


def test_marketing_sees_campaigns_and_their_results(staff: Any, fi_controller: Any) -> None:
    Campaign.objects.create(controller=fi_controller, name="Autumn offer")
    html = home(staff["marketing"])
    assert 'id="block-campaigns"' in html and "Autumn offer" in html
    assert 'id="block-requests"' not in html


def test_the_administrator_sees_no_block_of_personal_data(staff: Any) -> None:
    html = home(staff["admin"])
    # no person search and no "Add a person" for a role that keeps no register
    assert "Search persons" not in html and "Add a person" not in html
    for block in ("requests", "breaches", "interactions", "follow-ups", "campaigns"):
        assert f'id="block-{block}"' not in html


def test_the_dashboard_is_in_finnish_for_a_finnish_user(staff: Any) -> None:
    html = home(staff["dpo"], "fi")
    assert "Rekisteröityjen pyynnöt" in html or "pyynnöt" in html
    assert "Dashboard" not in html


def test_sidebar_groups_only_pages_the_user_may_open_by_work_area(staff: Any) -> None:
    with translation.override("en"):
        groups = grouped(scope_for(staff["sales"]))
    sales = {g.key: [link.label for link in g.links] for g in groups}
    assert sales["register"][:2] == ["Persons", "Organisations"]
    assert "rights" not in sales and "marketing" not in sales
    dpo = [g.key for g in grouped(scope_for(staff["dpo"]))]
    assert dpo == ["register", "marketing", "rights", "compliance", "administration"]


def test_sidebar_marks_the_current_page(staff: Any) -> None:
    html = client_for(staff["sales"]).get("/staff/register/persons/").content.decode()
    assert 'role="group" aria-labelledby="nav-register"' in html
    assert 'aria-current="page">Persons</a>' in html


def test_unknown_address_gives_a_styled_404_in_the_users_language(staff: Any) -> None:
    response = client_for(staff["sales"], "fi").get("/staff/ei-ole/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sivua ei löydy" in html
    assert 'href="/staff/"' in html
    assert "Traceback" not in html


def test_public_404_links_to_the_front_page(db: Any) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="sv").get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_500_page_renders_without_a_request_or_details(staff: Any) -> None:
    from django.template import loader

    with translation.override("fi"):
        html = loader.get_template("500.html").render({})
    assert "Jokin meni vikaan" in html
    assert "Traceback" not in html


def test_every_page_has_the_favicon(staff: Any) -> None:
    html = home(staff["sales"])
    assert 'rel="icon"' in html and "favicon.svg" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "29.11.2026 klo 21.02"),
        ("sv", "2026-11-29 21:02"),
        ("en", "29 Nov 2026, 21:02"),
    ],
)
def test_dates_and_times_in_each_languages_format(language: str, expected: str) -> None:
    moment = dt.datetime(2026, 11, 29, 21, 2)
    with translation.override(language):
        assert formats.date_format(moment, "DATETIME_FORMAT") == expected
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == expected


def test_a_refusal_without_a_reason_of_its_own_is_styled_and_translated(staff: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/staff/x/")
    request.user = staff["sales"]
    with translation.override("sv"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Du får inte öppna den här sidan" in response.content.decode()


def test_dpo_sees_when_the_audit_chain_was_last_checked(staff: Any) -> None:
    from django.core.management import call_command

    assert "The chain has never been checked." in home(staff["dpo"])
    call_command("audit", "verify")
    html = home(staff["dpo"])
    assert "Last checked" in html and "intact" in html
    assert "Viimeksi tarkistettu" in home(staff["dpo"], "fi")
