"""What the crawl cannot reach by following links: form errors and the language menu, in
the user's words (issue 17, item 2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rekisteri.register.validators import InvalidValue, normalise_email


def client_for(user: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "address",
    ["aino@", "aino", "a..b@firma.fi", "aino@localhost", "aino@exa mple.fi", "a@x.invalid"],
)
def test_email_validator_reasons_are_our_own_words(address: str) -> None:
    from django.utils import translation

    from rekisteri.register.forms import translate_message

    with pytest.raises(InvalidValue) as refused:
        normalise_email(address)
    message = str(refused.value)
    assert message.startswith("not a valid email address: ")
    with translation.override("fi"):
        finnish = translate_message(message)
    # Every part translated: nothing of the library's English is left.
    assert finnish.startswith("sähköpostiosoite ei kelpaa") or "not a valid" not in finnish
    assert "@-sign" not in finnish and " must " not in finnish and " the " not in finnish


def test_finnish_person_form_says_the_email_error_in_finnish(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    data = {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "language": "fi",
        "email": "aino@",
        "source_kind": "public_register",
        "source_name": "Kaupparekisteri",
        "purpose": "customer_management",
        "controller": fi_controller.pk,
    }
    page = client_for(staff["sales"], "fi").post(reverse("register:person_create"), data)
    text = page.content.decode()
    assert 'id="id_email_error"' in text
    assert "@-merkin jälkeinen verkkotunnus puuttuu" in text
    assert "There must be something after the @-sign" not in text


def test_campaign_form_errors_name_the_field_in_the_users_words(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    page = client_for(staff["marketing"], "fi").post(
        reverse("marketing:campaign_create"),
        {"name": "", "purpose": "marketing", "rate": "50", "controller": fi_controller.pk},
    )
    text = page.content.decode()
    errors = text[text.index('class="errorlist"') :].split("</ul>", 1)[0]
    assert "Nimi: on pakollinen" in errors
    assert "Viesti (suomeksi): anna viesti vähintään yhdellä kielellä" in errors
    assert "is required" not in errors and "body_fi" not in errors


def test_language_menu_names_each_language_in_itself(staff: dict[str, Any]) -> None:
    for language in ("fi", "sv", "en"):
        text = client_for(staff["sales"], language).get(reverse("staff:home")).content.decode()
        for name in ("Suomi", "Svenska", "English"):
            assert f">{name}</option>" in text, (language, name)
        assert "englanti" not in text and "engelska" not in text
