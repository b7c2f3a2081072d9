"""The public pages: no login, no JavaScript, never reveal whether an address is known."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rekisteri.rights.models import RightsRequest
from rekisteri.testing.mail import delivered

pytestmark = pytest.mark.django_db


def _link(body: str, name: str) -> str:
    return re.search(rf"https?://\S+(/rights/{name}/[^/\s]+/)", body).group(1)


def test_home_links_the_notice_every_right_and_both_authorities(client, catalogue):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/privacy/"' in html
    for kind in ("access", "rectification", "erasure", "restriction", "objection", "portability"):
        assert reverse("portal:request", kwargs={"kind": kind}) in html
    assert "tietosuoja.fi" in html and "imy.se" in html


def test_home_is_in_finnish_and_swedish_too(client, catalogue):
    fi = client.get("/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    sv = client.get("/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'lang="fi"' in fi and 'lang="sv"' in sv
    assert "Tietosuojavaltuutetun toimisto" in fi
    assert "Integritetsskyddsmyndigheten" in sv


def test_known_and_unknown_addresses_get_the_same_page(
    client, make_person, django_capture_on_commit_callbacks
):
    make_person(email="known@example.fi")
    url = reverse("portal:request", kwargs={"kind": "access"})
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "known@example.fi"}, follow=True)
        unknown = client.post(url, {"email": "unknown@example.fi"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert [m.to for m in delivered()] == [["known@example.fi"]]


def test_the_whole_public_path_without_javascript(
    client, make_person, actor, settings, tmp_path, django_capture_on_commit_callbacks, dpo
):
    from rekisteri.rights import services

    settings.PACKAGES_DIR = tmp_path
    person = make_person(email="aino@example.fi")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:request", kwargs={"kind": "access"}), {"email": "aino@example.fi"}
        )
    body = delivered()[0].body
    verify_url, status_url = _link(body, "verify"), _link(body, "status")
    assert "Confirm" in client.get(verify_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert RightsRequest.objects.get().status == "unverified", "opening the link is not enough"
    page = client.post(verify_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="confirmed"' in page
    r = RightsRequest.objects.get()
    assert r.status == "open"
    services.request_subjects_confirm(scope=dpo, actor=actor, request=r, person_ids=[person.pk])
    services.request_fulfil(scope=dpo, actor=actor, request=r)
    status = client.get(status_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "completed" in status.lower()
    download = client.get(status_url + "download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_unknown_status_token_is_404(client, catalogue):
    assert client.get("/rights/status/nope/").status_code == 404
