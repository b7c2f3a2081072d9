"""rekisteri outbox deliver|purge|status: send what is due, delete what is kept too long, count."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from rekisteri.mail.delivery import deliver_due
from rekisteri.mail.models import Message
from rekisteri.mail.outbox import mail_purge


class Command(BaseCommand):
    help = "The mail outbox: deliver due messages, purge old ones, or count them by state."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="send the messages that are due")
        deliver.add_argument("--limit", type=int, default=200)
        sub.add_parser("purge", help="delete sent and failed messages kept past their time")
        sub.add_parser("status", help="how many messages are in each state (no addresses)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "deliver":
            report = deliver_due(limit=options["limit"])
            self.stdout.write(f"outbox: {report}")
        elif action == "purge":
            done = mail_purge()
            self.stdout.write("outbox purged: " + ", ".join(f"{k} {v}" for k, v in done.items()))
        else:
            counts = dict(Message.objects.values_list("status").annotate(n=Count("pk")).order_by())
            for status in sorted(counts):
                self.stdout.write(f"{status}: {counts[status]}")
