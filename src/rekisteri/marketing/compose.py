"""Composing a campaign: the placeholders a message may use, the sending rate it may ask for,
and a preview of each language's message for a made-up recipient.

The preview never shows a real person: the page that shows it is for writing the message,
and whoever writes it need not be allowed to see any one recipient's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext as _

from rekisteri.marketing.models import Campaign

#: What `{name}` in a subject or message is filled with when it is sent (sending.build_message).
PLACEHOLDERS = ("first_name", "last_name", "unsubscribe_url", "preferences_url")

#: Anything between braces that looks meant as a placeholder: no spaces, no nested braces.
_BRACED = re.compile(r"\{([^{}\s]{1,60})\}")

#: Messages per second: 0 is no limit; more than this no mail server takes from one sender.
MAX_RATE = 1000

LANGUAGES = (("fi", "suomi"), ("sv", "svenska"), ("en", "English"))

#: The made-up recipient of the preview, one per language (not a person in the register).
SAMPLE = {
    "fi": ("Maija", "Meikäläinen"),
    "sv": ("Anna", "Andersson"),
    "en": ("Alex", "Example"),
}

_SAMPLE_TOKEN = "preview"  # noqa: S105 - not a secret: the preview's links lead nowhere


def unknown_placeholders(text: str) -> list[str]:
    """The braced names in the text that are not placeholders, in order, each once."""
    found: list[str] = []
    for name in _BRACED.findall(text or ""):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def placeholder_errors(data: dict[str, object]) -> dict[str, str]:
    """For each subject and message: an error naming its unknown placeholders, if any."""
    allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    labels = {
        "subject_fi": _("Subject (Finnish)"),
        "subject_sv": _("Subject (Swedish)"),
        "subject_en": _("Subject (English)"),
        "body_fi": _("Message (Finnish)"),
        "body_sv": _("Message (Swedish)"),
        "body_en": _("Message (English)"),
    }
    errors: dict[str, str] = {}
    for name, label in labels.items():
        unknown = unknown_placeholders(str(data.get(name) or ""))
        if unknown:
            errors[name] = _(
                "%(field)s: unknown placeholder %(unknown)s. The placeholders are: %(allowed)s."
            ) % {
                "field": label,
                "unknown": ", ".join("{" + u + "}" for u in unknown),
                "allowed": allowed,
            }
    return errors


def rate_of(raw: object) -> int:
    """The sending rate typed in, as a whole number from 0 to MAX_RATE; ValueError otherwise
    (with a message for the user)."""
    text = str(raw if raw is not None else "").strip()
    if text == "":
        return 0
    if not re.fullmatch(r"\d+", text):
        raise ValueError(
            _("Messages per second must be a whole number from 0 to %(max)s (0: no limit).")
            % {"max": MAX_RATE}
        )
    rate = int(text)
    if rate > MAX_RATE:
        raise ValueError(
            _("Messages per second must be a whole number from 0 to %(max)s (0: no limit).")
            % {"max": MAX_RATE}
        )
    return rate


@dataclass(frozen=True)
class Preview:
    language: str
    name: str
    recipient: str
    subject: str
    body: str
    #: the language has no text of its own: the recipient gets the fallback language's
    fallback: bool


def previews(campaign: Campaign) -> list[Preview]:
    """Each language's message as a recipient of that language would get it, for a made-up
    recipient (the links in it are the preview's, and lead nowhere)."""
    from rekisteri.marketing.sending import build_message

    result = []
    for code, name in LANGUAGES:
        first, last = SAMPLE[code]
        recipient = SimpleNamespace(
            token=_SAMPLE_TOKEN, email="preview@example.invalid", language=code, tracked=False
        )
        person = SimpleNamespace(first_name=first, last_name=last)
        msg = build_message(campaign=campaign, recipient=recipient, person=person)  # type: ignore[arg-type]
        own = bool(getattr(campaign, f"subject_{code}") or getattr(campaign, f"body_{code}"))
        result.append(
            Preview(
                language=code,
                name=name,
                recipient=f"{first} {last}",
                subject=str(msg.subject),
                body=str(msg.body),
                fallback=not own,
            )
        )
    return result
