"""Inline actions of the staff lists in real Chromium: with JavaScript, htmx swaps the row's
cell in place (the page is not loaded again: a mark left on `window` survives), and the
change is saved through the service, with its audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rekisteri.audit.models import AuditEvent
from rekisteri.testing.browser import login
from rekisteri.testing.fixtures import otp_device, otp_token

pytestmark = pytest.mark.browser


def _login_dpo(page: Any, user: Any) -> None:
    otp_device(user)
    login(page, user)
    if "/mfa/" in page.url:
        page.locator("#id_token").fill(otp_token(user))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/mfa/" not in url)


def test_dpo_assigns_a_request_from_the_queue_in_place(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    from rekisteri.access.selectors import scope_for
    from rekisteri.audit.services import Actor
    from rekisteri.rights import services

    dpo = staff["dpo"]
    r, _token = services.request_create_staff(
        scope=scope_for(dpo),
        actor=Actor("test"),
        kind="access",
        channel="letter",
        received_at=timezone.now() - dt.timedelta(days=3),
    )
    page = browser_page
    _login_dpo(page, dpo)
    page.goto("/staff/rights/?kind=access")
    page.evaluate("window.__stayed = 'yes'")
    cell = page.locator(f"#assign-{r.pk}")
    assert cell.locator(".assignee").inner_text() == "—"
    cell.get_by_label(f"Assign {r.reference} to").select_option(label=dpo.username)
    cell.get_by_role("button", name="Assign").click()
    page.locator(f"#assign-{r.pk} [role=status]").wait_for()
    cell = page.locator(f"#assign-{r.pk}")
    assert cell.locator(".assignee").inner_text() == dpo.username
    assert cell.locator("[role=status]").inner_text() == f"Assigned to {dpo.username}."
    assert page.evaluate("window.__stayed") == "yes"  # swapped in place, not reloaded
    assert page.url.endswith("/staff/rights/?kind=access")
    r.refresh_from_db()
    assert r.assignee == dpo
    assert AuditEvent.objects.filter(
        record=f"rights.RightsRequest:{r.pk}", reason="request assigned"
    ).exists()


def test_dpo_marks_the_authority_told_from_the_breach_list_in_place(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    from rekisteri.access.selectors import scope_for
    from rekisteri.audit.services import Actor
    from rekisteri.breaches.models import ClockState
    from rekisteri.breaches.services import breach_record

    dpo = staff["dpo"]
    now = timezone.now()
    late = breach_record(
        scope=scope_for(dpo),
        actor=Actor("test"),
        data={
            "title": "Laptop lost on a train",
            "nature": ["confidentiality"],
            "description": "An unencrypted export was on the laptop.",
            "discovered_at": now - dt.timedelta(hours=80),
            "categories": ["contact"],
        },
        now=now,
    )
    page = browser_page
    _login_dpo(page, dpo)
    page.goto("/staff/breaches/?clock=running")
    page.evaluate("window.__stayed = 'yes'")
    cell = page.locator(f"#clock-{late.pk}")
    assert "overdue" in cell.inner_text()
    cell.get_by_label("Authority's reference").fill("TSV-2026-7")
    cell.get_by_label("Reasons for the delay").fill("Found on a Friday evening.")
    cell.get_by_role("button", name="Authority told now").click()
    page.locator(f"#clock-{late.pk} [role=status]").wait_for()
    cell = page.locator(f"#clock-{late.pk}")
    assert "authority told late" in cell.inner_text()
    assert cell.locator("[role=status]").inner_text() == "The authority is marked told."
    assert cell.get_by_role("button", name="Authority told now").count() == 0
    assert page.evaluate("window.__stayed") == "yes"
    late.refresh_from_db()
    assert late.clock() == ClockState.NOTIFIED_LATE
    assert late.authority_reference == "TSV-2026-7"
    assert late.delay_reason == "Found on a Friday evening."


def _open_request(dpo: Any, kind: str, **kw: Any) -> Any:
    from rekisteri.access.selectors import scope_for
    from rekisteri.audit.services import Actor
    from rekisteri.rights import services

    r, _token = services.request_create_staff(
        scope=scope_for(dpo),
        actor=Actor("test"),
        kind=kind,
        channel="letter",
        received_at=timezone.now() - dt.timedelta(days=3),
        **kw,
    )
    return r


def test_dpo_extends_a_request_on_its_page_in_place(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    dpo = staff["dpo"]
    r = _open_request(dpo, "access")
    page = browser_page
    _login_dpo(page, dpo)
    page.goto(f"/staff/rights/{r.pk}/")
    page.evaluate("window.__stayed = 'yes'")
    form = page.locator("form[action$='/extend/']")
    form.get_by_label("extend by").select_option("1")
    form.get_by_label("reason (told to the person)").fill("Many records in several systems.")
    form.get_by_label("person told by").select_option("letter")
    form.get_by_role("button", name="Extend").click()
    page.locator("#outcome-message").wait_for()
    r.refresh_from_db()
    assert r.extended_due_date is not None
    expected = f"The deadline is extended to {r.extended_due_date:%-d %b %Y}."
    assert page.locator("#outcome-message").inner_text() == expected
    assert "told by letter" in page.locator("#due").inner_text()
    assert page.locator("form[action$='/extend/']").count() == 0  # extended once only
    assert page.evaluate("window.__stayed") == "yes"  # swapped in place, not reloaded
    assert page.url.endswith(f"/staff/rights/{r.pk}/")
    assert AuditEvent.objects.filter(
        record=f"rights.RightsRequest:{r.pk}", reason__startswith="deadline extended"
    ).exists()


def test_dpo_completes_an_objection_on_its_page_in_place(
    browser_page: Any, staff: dict[str, Any], make_person: Any
) -> None:
    dpo = staff["dpo"]
    person = make_person(first_name="Olli", last_name="Vastustaja")
    r = _open_request(dpo, "objection", person_ids=[person.pk], verification_method="signed_letter")
    page = browser_page
    _login_dpo(page, dpo)
    page.goto(f"/staff/rights/{r.pk}/")
    page.evaluate("window.__stayed = 'yes'")
    page.get_by_role("button", name="Fulfil and close").click()
    page.locator("#outcome-message").wait_for()
    assert page.locator("#outcome-message").inner_text().startswith("Request completed.")
    assert page.locator("#status").inner_text().lower() == "completed"
    assert page.locator("#outcome").inner_text() == "direct marketing and profiling stopped"
    assert page.get_by_role("button", name="Fulfil and close").count() == 0
    assert page.evaluate("window.__stayed") == "yes"
    r.refresh_from_db()
    assert r.status == "completed"


def test_a_failed_action_is_said_in_place_in_finnish(
    browser_page: Any, staff: dict[str, Any]
) -> None:
    """The service's refusal, in the user's language, where the action was."""
    dpo = staff["dpo"]
    r = _open_request(dpo, "access")
    page = browser_page
    _login_dpo(page, dpo)
    page.context.add_cookies([{"name": "django_language", "value": "fi", "url": page.url}])
    page.goto(f"/staff/rights/{r.pk}/")
    page.evaluate("window.__stayed = 'yes'")
    page.get_by_role("button", name="Toteuta ja sulje").click()
    page.locator("#outcome-message").wait_for()
    message = page.locator("#outcome-message")
    assert message.get_attribute("role") == "alert"
    assert "henkilöllisyyttä ei ole varmistettu" in message.inner_text()
    assert page.evaluate("window.__stayed") == "yes"
