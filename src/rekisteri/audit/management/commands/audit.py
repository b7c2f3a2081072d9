"""rekisteri audit verify"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every event's hash and order")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        checked, problem = audit_chain_verify()
        if problem is not None:
            raise CommandError(f"audit trail broken after {checked} good events: {problem}")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {checked} events"))
