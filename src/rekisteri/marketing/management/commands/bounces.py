"""rekisteri bounces PATH [--delete]: read delivery status notifications, and mails to the
List-Unsubscribe `mailto:` addresses, from a mailbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.policy import ProcessingRefused
from rekisteri.marketing.bounces import bounce_scope, bounces_from_mailbox


class Command(BaseCommand):
    help = (
        "Read bounces (RFC 3464 DSNs) and unsubscribe mails (to unsubscribe+TOKEN@…) "
        "from a Maildir folder or an mbox file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Maildir directory or mbox file")
        parser.add_argument(
            "--delete", action="store_true", help="remove the messages that were handled"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["path"]
        if not path.exists():
            raise CommandError(f"path: {path} does not exist")
        try:
            result = bounces_from_mailbox(
                path, scope=bounce_scope("mailbox"), delete=opts["delete"]
            )
        except ProcessingRefused as exc:
            raise CommandError(exc.reason) from exc
        self.stdout.write(
            f"hard bounces {result.hard}, soft bounces {result.soft}, "
            f"unsubscribed {result.unsubscribed}, not ours {result.unmatched}, "
            f"ignored {result.ignored}"
        )
