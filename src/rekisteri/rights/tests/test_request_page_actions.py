"""The request page's actions: with htmx the page's body comes back in place with the outcome
at its top; without JavaScript the same POST redirects to the page with the outcome as a
message. The services' refusals come in the user's language with dates in its format."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from rekisteri.rights import services
from rekisteri.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


def _request(dpo: Any, actor: Any, days_ago: int, **kw: Any) -> RightsRequest:
    r, _token = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind=kw.pop("kind", "access"),
        channel="letter",
        received_at=timezone.now() - timedelta(days=days_ago),
        **kw,
    )
    return r


_EXTEND = {"months": "1", "reason": "Paljon tietoja.", "notified_via": "letter"}


def test_extending_without_javascript_comes_back_to_the_page_with_a_message(
    client, staff, actor, dpo
):
    r = _request(dpo, actor, 3)
    client.force_login(staff["dpo"])
    url = reverse("rights:request_action", args=[r.pk, "extend"])
    response = client.post(url, _EXTEND, follow=True, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.redirect_chain[-1][0] == reverse("rights:request_detail", args=[r.pk])
    r.refresh_from_db()
    day = f"{r.extended_due_date.day}.{r.extended_due_date.month}.{r.extended_due_date.year}"
    html = response.content.decode()
    assert f"Määräaikaa jatkettu {day} asti." in html
    assert "kerrottu kirje" in html  # how the person was told, in words
    assert "<html" in html


def test_extending_with_htmx_returns_the_page_body_with_the_outcome(client, staff, actor, dpo):
    r = _request(dpo, actor, 3)
    client.force_login(staff["dpo"])
    url = reverse("rights:request_action", args=[r.pk, "extend"])
    response = client.post(url, _EXTEND, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="request-body">') and "<html" not in html
    assert 'id="outcome-message"' in html and 'role="status"' in html
    # the next GET shows no leftover message: htmx said it in place
    page = client.get(reverse("rights:request_detail", args=[r.pk])).content.decode()
    assert "Määräaikaa jatkettu" not in page


def test_a_late_extension_is_refused_in_the_users_language_with_its_date(client, staff, actor, dpo):
    r = _request(dpo, actor, 40)
    client.force_login(staff["dpo"])
    url = reverse("rights:request_action", args=[r.pk, "extend"])
    due: date = r.due_date
    for lang, day, words in (
        ("fi", f"{due.day}.{due.month}.{due.year}", "se kuukausi päättyi"),
        ("sv", due.isoformat(), "den månaden tog slut"),
        ("en", f"{due.day} {due:%b} {due.year}", "that month ended on"),
    ):
        client.cookies["django_language"] = lang
        html = client.post(
            url, _EXTEND, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=lang
        ).content.decode()
        assert 'role="alert"' in html
        assert f"{words} {day}" in html, (lang, html[:600])
        if lang != "sv":
            assert due.isoformat() not in html
    r.refresh_from_db()
    assert r.extended_due_date is None


def test_erasure_blocked_names_models_by_their_verbose_names():
    from django.utils import translation

    from rekisteri.register.models import Person
    from rekisteri.rights.erasure import BLOCKED_BY, ErasureBlocked

    exc = ErasureBlocked(BLOCKED_BY, models=[Person])
    assert "register.Person" in exc.args[0]  # the English record keeps the label
    assert str(exc) == "Records that protect the person block erasure: register.Person"
    with translation.override("fi"):
        text = exc.shown()
        name = str(Person._meta.verbose_name)
    assert text == f"Henkilöä suojaavat tiedot estävät poistamisen: {name}"


def test_every_field_on_the_request_page_has_its_own_id(client, staff, actor, dpo):
    # The extend and refuse forms both have a "reason": each label must name its own field.
    import re
    from collections import Counter

    r = _request(dpo, actor, 3)
    client.force_login(staff["dpo"])
    html = client.get(reverse("rights:request_detail", args=[r.pk])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="extend_reason"' in html and 'for="refuse_reason"' in html
