"""The request queue as a table: days left, filters by kind and assignee, sorting by the
deadline, and assigning from the queue (in place with htmx, or by a plain POST that comes
back to the queue), through the service's check and audit."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from rekisteri.audit.models import AuditEvent
from rekisteri.rights import services
from rekisteri.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


def _request(dpo: Any, actor: Any, kind: str, days_ago: int) -> RightsRequest:
    r, _token = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind=kind,
        channel="letter",
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    return r


def _references(html: str) -> list[str]:
    return re.findall(r">(DSR-\d+)</a>", html)


def test_queue_shows_days_left_and_filters_by_kind_and_assignee(client, staff, actor, dpo):
    late = _request(dpo, actor, "access", 40)
    soon = _request(dpo, actor, "erasure", 25)
    fresh = _request(dpo, actor, "access", 1)
    services.request_assign(scope=dpo, actor=actor, request=soon, user=staff["dpo"])
    client.force_login(staff["dpo"])
    url = reverse("rights:queue")

    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Soonest deadline first; the overdue one says by how much, the others how long is left.
    assert _references(html) == [late.reference, soon.reference, fresh.reference]
    assert "3 found" in html
    assert re.search(r"overdue by \d+ days", html)
    assert re.search(r"\b\d+ days left", html)

    only_access = client.get(url, {"kind": "access"}).content.decode()
    assert _references(only_access) == [late.reference, fresh.reference]
    mine = client.get(url, {"assignee": "me"}).content.decode()
    assert _references(mine) == [soon.reference]
    nobodys = client.get(url, {"assignee": "nobody"}).content.decode()
    assert _references(nobodys) == [late.reference, fresh.reference]
    newest_first = client.get(url, {"sort": "-deadline_on"}).content.decode()
    assert _references(newest_first) == [fresh.reference, soon.reference, late.reference]
    none = client.get(url, {"kind": "portability"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No requests match the filters." in none


def test_queue_in_finnish_says_days_left_in_finnish(client, staff, actor, dpo):
    _request(dpo, actor, "access", 1)
    client.force_login(staff["dpo"])
    html = client.get(reverse("rights:queue"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "päivää jäljellä" in html
    assert "Kuka tahansa" in html and "Anyone" not in html


def test_assigning_from_the_queue_without_javascript_comes_back_to_the_queue(
    client, staff, actor, dpo
):
    r = _request(dpo, actor, "access", 2)
    client.force_login(staff["dpo"])
    queue = reverse("rights:queue") + "?kind=access"
    html = client.get(queue).content.decode()
    assert f'action="{reverse("rights:request_action", args=[r.pk, "assign"])}"' in html
    response = client.post(
        reverse("rights:request_action", args=[r.pk, "assign"]),
        {"user": staff["dpo"].pk, "next": queue},
    )
    assert response.status_code == 302 and response["Location"] == queue
    r.refresh_from_db()
    assert r.assignee == staff["dpo"]
    assert AuditEvent.objects.filter(
        record=f"rights.RightsRequest:{r.pk}", reason="request assigned"
    ).exists()
    # A user who cannot open the queue is refused by the service, and the queue says so.
    response = client.post(
        reverse("rights:request_action", args=[r.pk, "assign"]),
        {"user": staff["sales"].pk, "next": "https://evil.example/"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.redirect_chain[-1][0] == reverse("rights:queue")
    assert "choose a user of your group company who handles requests" in response.content.decode()
    r.refresh_from_db()
    assert r.assignee == staff["dpo"]


def test_assigning_with_htmx_returns_the_cell_with_the_outcome(client, staff, actor, dpo):
    r = _request(dpo, actor, "access", 2)
    client.force_login(staff["dpo"])
    response = client.post(
        reverse("rights:request_action", args=[r.pk, "assign"]),
        {"user": staff["dpo"].pk, "next": reverse("rights:queue")},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="assign-cell" id="assign-{r.pk}">')
    assert "<html" not in html
    assert f"Käsittelijäksi merkitty {staff['dpo'].username}." in html
    r.refresh_from_db()
    assert r.assignee == staff["dpo"]


def test_a_user_outside_the_queue_cannot_assign_from_it(client, staff, actor, dpo, outsider):
    """Another company's sales user is refused at the gate, with or without htmx."""
    r = _request(dpo, actor, "access", 2)
    client.force_login(outsider)
    response = client.post(
        reverse("rights:request_action", args=[r.pk, "assign"]),
        {"user": outsider.pk, "next": "/"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    r.refresh_from_db()
    assert r.assignee is None
