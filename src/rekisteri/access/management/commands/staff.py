"""rekisteri staff create|list|deactivate|reactivate|reset-mfa — staff users from scripts.

The same services as the staff users page (access.users), under a system scope for
`manage_staff`; each change is audited. `create` prints the first password once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import system_scope
from rekisteri.access.users import (
    staff_create,
    staff_list,
    staff_reset_mfa,
    staff_set_active,
)
from rekisteri.audit.services import Actor
from rekisteri.register.inputs import InputError
from rekisteri.register.models import Controller


def _csv(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class Command(BaseCommand):
    help = "Create, list, deactivate and reactivate staff users; reset their two-step verification."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new staff user (prints the first password)")
        create.add_argument("username")
        create.add_argument("--roles", required=True, help="catalogue role codes, comma-separated")
        create.add_argument(
            "--companies", required=True, help="group company codes, comma-separated"
        )
        create.add_argument("--language", default="fi", choices=["fi", "sv", "en"])
        sub.add_parser("list", help="list staff users")
        for name in ("deactivate", "reactivate", "reset-mfa"):
            sub.add_parser(name).add_argument("username")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        actor = Actor("staff-command")
        action = options["action"]
        if action == "list":
            for row in staff_list(system_scope("staff command", Cap.MANAGE_STAFF)):
                status = "active" if row.user.is_active else "deactivated"
                self.stdout.write(
                    "\t".join(
                        [
                            row.user.username,
                            ",".join(row.roles),
                            ",".join(c.code for c in row.controllers),
                            "mfa" if row.has_mfa else "no-mfa",
                            status,
                        ]
                    )
                )
            return
        try:
            scope = system_scope("staff command", Cap.MANAGE_STAFF)
            if action == "create":
                codes = _csv(options["companies"])
                ids = list(Controller.objects.filter(code__in=codes).values_list("pk", flat=True))
                if len(ids) != len(set(codes)):
                    raise CommandError("--companies: unknown group company code")
                user, password = staff_create(
                    actor=actor,
                    scope=scope,
                    username=options["username"],
                    roles=_csv(options["roles"]),
                    controller_ids=ids,
                    language=options["language"],
                )
                self.stdout.write(f"{user.username}: first password {password}")
                return
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None or not hasattr(user, "staff"):
                raise CommandError(f"no staff user {options['username']!r}")
            if action == "reset-mfa":
                n = staff_reset_mfa(actor=actor, scope=scope, user=user)
                self.stdout.write(f"{user.username}: {n} device(s) removed")
            else:
                staff_set_active(actor=actor, scope=scope, user=user, active=action == "reactivate")
                self.stdout.write(f"{user.username}: {action}d")
        except InputError as exc:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None
        except ProcessingRefused as exc:
            raise CommandError(str(exc.reason)) from None
