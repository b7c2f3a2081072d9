"""rekisteri audit verify | rekisteri audit log PERSON_ID"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.audit.selectors import audit_chain_head, audit_events_for_person
from rekisteri.audit.verification import audit_chain_check


class Command(BaseCommand):
    help = "Check the audit trail's hash chain, or list the events that name one person."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify",
            help="check every event's hash and order; name the first changed, removed or "
            "inserted event",
        )
        log = sub.add_parser("log", help="the events that name one person, in order")
        log.add_argument("person_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "log":
            for e in audit_events_for_person(person_id=options["person_id"]):
                self.stdout.write(
                    f"{e.seq}\t{e.at.isoformat()}\t{e.actor}\t{e.action}\t{e.purpose}\t"
                    f"{','.join(e.categories)}"
                )
            return
        # Recorded either way (for /healthz and monitoring): when, and whether it held.
        checked, problem = audit_chain_check()
        if problem is not None:
            raise CommandError(f"audit trail broken after {checked} good events: {problem}")
        seq, head = audit_chain_head()
        self.stdout.write(
            self.style.SUCCESS(f"audit trail intact: {checked} events; head {seq} {head}")
        )
