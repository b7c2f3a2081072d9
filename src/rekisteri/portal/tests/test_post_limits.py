"""Limits on the public request form (issue 14, item 4): per client address and in total.

The probe sent 150 POSTs from one address in 17 seconds; all were accepted and 33 registered
persons got a confirmation mail within a minute. Now a client past its limit, or everyone
together past theirs, gets a 429 "try again later" page with Retry-After, and no mail.
"""

from __future__ import annotations

from datetime import UTC

import pytest
from django.urls import reverse

from rekisteri.portal.models import PostCounter
from rekisteri.testing.mail import delivered

pytestmark = pytest.mark.django_db

URL = "/rights/request/access/"
#: a window whose edge (a multiple of 10⁹ s since 1970) is in 2033: no test straddles it
LONG = 10**9


@pytest.fixture
def limits(settings, catalogue):
    settings.PUBLIC_POSTS_WINDOW = LONG
    settings.PUBLIC_POSTS_PER_ADDRESS = 3
    settings.PUBLIC_POSTS_TOTAL = 1000
    return settings


def _post(client, email, ip="198.51.100.7", **headers):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip, **headers)


def test_one_address_past_its_limit_is_told_to_try_again_later(
    client, limits, make_person, django_capture_on_commit_callbacks
):
    for n in range(5):
        make_person(email=f"reg{n}@example.fi")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_post(client, f"reg{n}@example.fi", HTTP_ACCEPT_LANGUAGE="en") for n in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert len(delivered()) == 3  # no mail for the refused ones
    refused = answers[3]
    assert 0 < int(refused["Retry-After"]) <= LONG
    assert "Please try again later" in refused.content.decode()
    # Another client is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, "reg4@example.fi", ip="198.51.100.8").status_code == 302
    assert len(delivered()) == 4


def test_the_try_again_page_is_in_finnish_and_swedish(client, limits):
    limits.PUBLIC_POSTS_PER_ADDRESS = 0
    fi = _post(client, "x@example.fi", HTTP_ACCEPT_LANGUAGE="fi")
    sv = _post(client, "x@example.fi", HTTP_ACCEPT_LANGUAGE="sv")
    assert fi.status_code == sv.status_code == 429
    assert "Yritä myöhemmin uudelleen" in fi.content.decode()
    assert "Försök igen senare" in sv.content.decode()


def test_all_addresses_together_are_limited(client, limits):
    limits.PUBLIC_POSTS_PER_ADDRESS = 100
    limits.PUBLIC_POSTS_TOTAL = 4
    codes = [_post(client, "x@example.fi", ip=f"203.0.113.{n}").status_code for n in range(6)]
    assert codes == [302, 302, 302, 302, 429, 429]


def test_behind_a_proxy_the_forwarded_client_is_counted(client, limits):
    limits.BEHIND_PROXY = True
    limits.PUBLIC_POSTS_PER_ADDRESS = 1
    proxy = "10.0.0.1"
    one = [_post(client, "x@example.fi", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1") for _ in "ab"]
    other = _post(client, "x@example.fi", ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.2")
    assert [r.status_code for r in one] == [302, 429]
    assert other.status_code == 302


def test_counters_hold_no_address_and_old_windows_are_deleted(client, limits):
    from datetime import datetime

    old = PostCounter.objects.create(
        key="0" * 64, window_start=datetime(2001, 1, 1, tzinfo=UTC), count=9
    )
    _post(client, "x@example.fi", ip="198.51.100.77")
    assert not PostCounter.objects.filter(pk=old.pk).exists()
    keys = list(PostCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2 and "*" in keys
    assert not any("198.51.100.77" in k for k in keys)


def test_the_form_itself_is_not_limited(client, limits):
    limits.PUBLIC_POSTS_PER_ADDRESS = 0
    assert client.get(reverse("portal:request", kwargs={"kind": "access"})).status_code == 200
