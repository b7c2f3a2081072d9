"""Header injection (issue 14, item 1): a line break in a name never becomes a mail header.

First line of defence: input refuses control characters with the field named (API, import,
UI all go through register.inputs). Second: the campaign renderer turns any control
character that reached the database some other way into a space, in both of its paths (the
fast skeleton and `build_message`).
"""

from __future__ import annotations

import pytest

from rekisteri.api.tests.conftest import ApiClient
from rekisteri.marketing.models import CampaignRecipient, RecipientStatus
from rekisteri.marketing.sending import campaign_send
from rekisteri.marketing.services import MarketingInputError, campaign_save
from rekisteri.register.models import ContactPoint, Person

INJECTED = "Crlf\r\nBcc: injected@evil.example"


def test_api_refuses_a_line_break_in_a_name_naming_the_field(staff):
    response = ApiClient(staff["sales"]).post(
        "/persons", {"first_name": INJECTED, "last_name": "Virtanen", "email": "a@asiakas.fi"}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["first_name"]
    assert "evil" not in response.content.decode()
    assert not Person.objects.filter(last_name="Virtanen").exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("last_name", "Virtanen\x00"),
        ("title", "Johtaja\nBcc: x@evil.example"),
        ("phone", "+358 40 123\r4567"),
        ("email", "anna@asiakas.fi\r\nBcc: x@evil.example"),
    ],
)
def test_api_refuses_control_characters_in_every_single_line_field(staff, field, value):
    body = {"last_name": "Virtanen", field: value}

    response = ApiClient(staff["sales"]).post("/persons", body)

    assert response.status_code == 422
    assert field in response.json()["errors"]


def _raw_headers(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    return head.replace(b"\r\n", b"\n").split(b"\n")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["skeleton", "build_message"])
def test_a_line_break_stored_in_a_name_puts_no_header_in_the_sent_message(
    smtp, fi_controller, actor, scope, worker, make_person, path
):
    anna = make_person(first_name="Anna", email="anna@asiakas.fi", is_contact_person=True)
    # Written past the input checks (the shell, an old import): the renderer must hold.
    Person.objects.filter(pk=anna.pk).update(first_name=INJECTED, last_name="Last\rX-Evil: 1")
    # A line longer than a mail line may be makes the skeleton unusable: build_message path.
    body = "Hei {first_name} {last_name}" + ("\n" + "x" * 1200 if path == "build_message" else "")
    campaign = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={"name": "Syksy", "subject_fi": "Hei {first_name}", "body_fi": body, "rate": 0},
    )

    report = campaign_send(actor=actor, scope=worker, campaign=campaign)

    assert report.sent == 1
    assert smtp.recipients() == ["anna@asiakas.fi"]
    headers = _raw_headers(smtp.raw[0])
    names = [line.split(b":", 1)[0].lower() for line in headers if line[:1] not in (b" ", b"\t")]
    assert b"bcc" not in names and b"x-evil" not in names
    msg = smtp.messages[0]
    assert msg["Bcc"] is None
    assert msg["Subject"] == "Hei Crlf  Bcc: injected@evil.example"


@pytest.mark.django_db(transaction=True)
def test_an_address_with_a_line_break_is_skipped_not_sent(
    smtp, fi_controller, actor, scope, worker, make_person
):
    anna = make_person(first_name="Anna", email="anna@asiakas.fi", is_contact_person=True)
    ContactPoint.objects.filter(person=anna).update(value="anna@asiakas.fi\r\nBcc: x@evil.example")
    campaign = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={"name": "Syksy", "subject_fi": "Hei", "body_fi": "Hei", "rate": 0},
    )

    report = campaign_send(actor=actor, scope=worker, campaign=campaign)

    assert smtp.recipients() == []
    assert report.sent == 0
    row = CampaignRecipient.objects.get(campaign=campaign)
    assert row.status in (RecipientStatus.SKIPPED, RecipientStatus.FAILED)


def test_a_campaign_subject_with_a_line_break_is_refused(fi_controller, actor, scope):
    with pytest.raises(MarketingInputError) as refused:
        campaign_save(
            actor=actor,
            scope=scope,
            controller=fi_controller,
            data={
                "name": "Syksy",
                "subject_fi": "Hei\r\nBcc: injected@evil.example",
                "body_fi": "Rivi yksi\nRivi kaksi\tja sarkain",
                "body_en": "NUL\x00",
            },
        )

    assert set(refused.value.errors) == {"subject_fi", "body_en"}
