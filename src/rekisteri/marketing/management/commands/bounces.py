"""rekisteri bounces PATH [--delete]: read delivery status notifications, and mails to the
List-Unsubscribe `mailto:` addresses, from a mailbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.marketing.bounces import bounces_from_mailbox


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
        result = bounces_from_mailbox(path, delete=opts["delete"])
        self.stdout.write(
            f"hard bounces {result.hard}, soft bounces {result.soft}, "
            f"unsubscribed {result.unsubscribed}, not ours {result.unmatched}, "
            f"ignored {result.ignored}"
        )
