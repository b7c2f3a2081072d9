"""A real SMTP peer (aiosmtpd) on a free local port, and Django's SMTP backend pointed at it."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.raw: list[bytes] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.raw.append(envelope.original_content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [
            m
            for m, (_f, rcpt) in zip(self.messages, self.envelopes, strict=True)
            if address in rcpt
        ]

    def recipients(self) -> list[str]:
        return [r for _f, rcpts in self.envelopes for r in rcpts]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings: Any) -> Any:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.BASE_URL = "https://rekisteri.example"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def scope(staff: Any) -> Any:
    """The marketing user's scope (the Finnish group company): what a staff page acts with."""
    from rekisteri.access.selectors import scope_for

    return scope_for(staff["marketing"])


@pytest.fixture
def worker(catalogue: Any) -> Any:
    """The campaign worker's system scope (`rekisteri campaign send`)."""
    from rekisteri.access.capabilities import Cap
    from rekisteri.marketing.processing import system_scope

    return system_scope("test: the campaign worker", Cap.SEND_DIRECT_MARKETING)
