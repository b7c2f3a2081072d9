"""rekisteri ropa export --format csv|xlsx|json [--out FILE] — the Art. 30 record."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Export the record of processing activities (GDPR Art. 30), one row per purpose."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the record")
        export.add_argument("--format", choices=("csv", "xlsx", "json"), default="xlsx")
        export.add_argument("--lang", choices=("fi", "sv", "en"), default="en")
        export.add_argument("--out", help="file to write (default: the standard name here)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rekisteri.notice.selectors import ropa_export

        try:
            body, _, name = ropa_export(fmt=opts["format"], lang=opts["lang"])
        except LookupError as exc:
            raise CommandError(f"{exc}: run `rekisteri catalogue load FILE` first") from exc
        out = opts["out"]
        if out == "-":
            sys.stdout.buffer.write(body)
            return
        path = Path(out or name)
        path.write_bytes(body)
        self.stdout.write(f"wrote {path} ({len(body)} bytes)")
