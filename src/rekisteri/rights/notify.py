"""Emails to the requester, sent after the transaction commits, in their language.

Links point at settings.BASE_URL. Bodies hold links and references, never the register's
data about the person (that is what the verified download is for).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rekisteri.rights.selectors import supervisory_authorities

log = logging.getLogger(__name__)

#: mails held until the response has been sent (see held_until_response); None: send at once
_held: ContextVar[list[Callable[[], None]] | None] = ContextVar("rights_mail_held", default=None)


@contextmanager
def held_until_response() -> Iterator[list[Callable[[], None]]]:
    """Mails committed inside are not sent there but collected in the list yielded, for the
    caller to send once the client has its answer (a response's closers run after the server
    has written it). The public request form uses it so that a registered address does not
    answer more slowly than an unknown one (issue 14); the mail outbox replaces it."""
    held: list[Callable[[], None]] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


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

    def send_or_hold() -> None:
        held = _held.get()
        if held is None:
            send()
        else:
            held.append(_logged(send))

    transaction.on_commit(send_or_hold)


def _logged(send: Callable[[], None]) -> Callable[[], None]:
    # After the response nobody sees an exception (a response's closers swallow them): log
    # it, naming its kind only (an SMTP error repeats the address).
    def run() -> None:
        try:
            send()
        except Exception as exc:  # noqa: BLE001
            log.error("a rights mail could not be sent after the response: %s", type(exc).__name__)

    return run
