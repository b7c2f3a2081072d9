"""Emails to the requester, sent after the transaction commits, in their language.

Links point at settings.BASE_URL. Bodies hold links and references, never the register's
data about the person (that is what the verified download is for).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rekisteri.rights.selectors import supervisory_authorities


def absolute(url_name: str, **kwargs: Any) -> str:
    return settings.BASE_URL + reverse(url_name, kwargs=kwargs)


def send_later(*, to: str, lang: str, template: str, context: dict[str, Any]) -> None:
    """Render now (in the person's language) and send once the transaction has committed."""
    if not to:
        return
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    with translation.override(lang):
        ctx = {**context, "authorities": supervisory_authorities(), "lang": lang}
        subject = render_to_string(f"rights/email/{template}_subject.txt", ctx).strip()
        body = render_to_string(f"rights/email/{template}.txt", ctx)

    def send() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)

    transaction.on_commit(send)
