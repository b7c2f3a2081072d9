"""rekisteri token create --user NAME"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.api.auth import token_create


class Command(BaseCommand):
    help = "Create an API token for a staff user (printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        self.stdout.write(token_create(user=user, name=options["name"]))
