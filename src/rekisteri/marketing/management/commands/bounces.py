"""rekisteri bounces PATH [--delete]: read delivery status notifications from a mailbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.marketing.bounces import bounces_from_mailbox


class Command(BaseCommand):
    help = "Read bounces (RFC 3464 DSNs) from a Maildir folder or an mbox file."

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
            f"not ours {result.unmatched}, not bounces {result.ignored}"
        )
