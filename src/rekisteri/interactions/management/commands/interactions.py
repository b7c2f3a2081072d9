"""`rekisteri interactions import FILE [--controller CODE] [--dry-run]` — CSV import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.interactions.services import interactions_import, read_csv
from rekisteri.register.models import Controller


class Command(BaseCommand):
    help = "Interactions: import a CSV file of interactions (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import interactions from a CSV file")
        imp.add_argument("file")
        imp.add_argument("--controller", help="group company code (default: the only one)")
        imp.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        code = opts.get("controller")
        if code:
            controller = Controller.objects.filter(code=code).first()
            if controller is None:
                raise CommandError(f"--controller: no group company {code!r}")
        else:
            controllers = list(Controller.objects.all()[:2])
            if len(controllers) != 1:
                if not controllers:
                    raise CommandError("no group company: load the catalogue first")
                controller = controllers[0]
                self.stderr.write(f"Using group company {controller.code} (give --controller)")
            else:
                controller = controllers[0]
        rows = read_csv(path.read_text(encoding="utf-8-sig"))
        result = interactions_import(
            actor=Actor("import"),
            controller=controller,
            rows=rows,
            # An operator at the server's command line: the system's authority, with its reason.
            scope=system_scope("interactions import command"),
            dry_run=opts["dry_run"],
        )
        if not result.ok:
            raise CommandError(
                f"{len(result.errors)} errors; nothing was imported:\n" + "\n".join(result.errors)
            )
        verb = "would import" if result.dry_run else "imported"
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.created.items()))
        self.stdout.write(f"{result.rows} rows {verb}: {parts}")
