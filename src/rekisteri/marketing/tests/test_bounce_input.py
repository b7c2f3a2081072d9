"""A bounce webhook body with NUL, line breaks or odd types (issue 14, item 8).

PostgreSQL refuses NUL in any text, so a NUL that reached a query or a row used to make the
webhook answer 500. The webhook's text is the mail system's, not a user's: it is recorded
with control characters as spaces, an address holding one matches nobody, and a token that
is not one of ours is no token.
"""

from __future__ import annotations

import json

from django.test import Client

from rekisteri.marketing.models import Bounce
from rekisteri.marketing.public_views import bounce_webhook_token


def post(body: object) -> object:
    return Client().post(
        "/m/bounces",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bounce_webhook_token()}",
    )


def test_nul_and_line_breaks_in_a_webhook_bounce_are_recorded_as_spaces(make_person):
    person = make_person(email="gone@asiakas.fi", is_contact_person=True)

    response = post(
        {
            "recipient": "gone@asiakas.fi",
            "status": "5.1.1\u0000",
            "diagnostic": "550 no\u0000such\r\nuser",
            "token": ["not", "a", "token"],
        }
    )

    assert response.status_code == 200, response.content[:300]
    assert response.json()["hard"] == 1
    bounce = Bounce.objects.get(person=person)
    assert bounce.diagnostic == "550 no such user"
    assert bounce.status == "5.1.1"


def test_an_address_with_nul_matches_nobody(make_person):
    make_person(email="gone@asiakas.fi", is_contact_person=True)

    response = post({"recipient": "gone@asiakas.fi\u0000", "token": 5})

    assert response.status_code == 200, response.content[:300]
    assert response.json()["unmatched"] == 1
    assert not Bounce.objects.exists()
