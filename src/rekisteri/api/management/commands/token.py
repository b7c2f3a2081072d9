"""rekisteri token create --user NAME | token list --user NAME | token revoke ID"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.api.auth import token_create, token_list, token_revoke


class Command(BaseCommand):
    help = "Create (printed once), list and revoke API tokens of staff users."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it (only once)")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="", help="what the token is for")
        listing = sub.add_parser("list", help="list a user's tokens (never the tokens)")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its ID")
        revoke.add_argument("id", type=int)

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.stdout.write(token_create(user=self._user(options["user"]), name=options["name"]))
        elif action == "list":
            rows = token_list(user=self._user(options["user"]))
            if not rows:
                self.stdout.write("no tokens")
            for t in rows:
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                self.stdout.write(
                    f"{t.pk}\t{t.prefix}…\t{state}\tcreated {t.created_at:%Y-%m-%d}"
                    f"\tlast used {used}\t{t.name}"
                )
        elif action == "revoke":
            row = token_revoke(token_id=options["id"])
            if row is None:
                raise CommandError(f"no token with ID {options['id']}")
            self.stdout.write(f"token {row.pk} ({row.prefix}…) revoked")
