"""The client's address is decided once: the audit trail, the lockout and the rate limits
all see the same one, and a forged X-Forwarded-For is not believed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from rekisteri.common.client import client_ip

LOGIN = "/staff/login/"


def test_without_a_proxy_forwarding_headers_are_ignored(settings: Any) -> None:
    settings.BEHIND_PROXY = False
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_ip(request) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_client_is_used(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client forged an entry; the edge proxy (10.0.0.3) appended the real client, and
    # the inner proxy (10.0.0.2, our peer) appended the edge proxy.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.1, 10.0.0.3"
    )
    assert client_ip(request) == "198.51.100.1"


def test_behind_a_proxy_a_client_cannot_forge_its_address(settings: Any) -> None:
    """The client writes its own X-Forwarded-For; the one proxy appends the real peer."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = []
    settings.PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.1"
    )
    assert client_ip(request) == "198.51.100.1"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) is None


@pytest.mark.django_db
def test_failures_from_a_shared_office_address_do_not_lock_out_colleagues(
    staff: dict[str, Any],
) -> None:
    """The lockout counts a user name and an address together."""
    from rekisteri.testing.fixtures import PASSWORD

    office = {"REMOTE_ADDR": "198.51.100.20", "HTTP_ACCEPT_LANGUAGE": "en"}
    client = Client(**office)
    for _ in range(5):
        client.post(LOGIN, {"username": staff["sales"].username, "password": "wrong"})
    locked = client.post(LOGIN, {"username": staff["sales"].username, "password": PASSWORD})
    assert locked.status_code == 429

    colleague = Client(**office).post(
        LOGIN, {"username": staff["finance"].username, "password": PASSWORD}
    )
    assert colleague.status_code == 302 and colleague["Location"] != LOGIN

    # The same user from home is not locked out by the office's failures either.
    home = Client(REMOTE_ADDR="203.0.113.9").post(
        LOGIN, {"username": staff["sales"].username, "password": PASSWORD}
    )
    assert home.status_code == 302
    assert reverse("staff:login") not in home["Location"]


@pytest.mark.django_db
def test_the_audit_trail_records_the_address_the_proxy_saw(
    settings: Any, staff: dict[str, Any], make_person: Any
) -> None:
    from rekisteri.audit.models import AuditEvent

    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = []
    settings.PROXY_COUNT = 1
    person = make_person()
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.7")
    client.force_login(staff["sales"])
    assert client.get(reverse("register:person_detail", args=[person.pk])).status_code == 200
    seen = AuditEvent.objects.filter(person_id=person.pk, actor=staff["sales"].username).last()
    assert seen is not None and str(seen.ip) == "198.51.100.7"
