"""rekisteri stats [--threshold N] [--controller CODE] [--format text|json]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.stats.selectors import stats_report, stats_threshold


class Command(BaseCommand):
    help = "Print anonymous statistics; groups below the threshold are suppressed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threshold", type=int, help="smallest group shown (default 5)")
        parser.add_argument("--controller", action="append", help="group company code(s)")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **opts: Any) -> None:
        from rekisteri.register.models import Controller

        threshold = opts["threshold"] if opts["threshold"] is not None else stats_threshold()
        if threshold < 2:
            raise CommandError("--threshold: must be at least 2")
        controllers = Controller.objects.all()
        if opts["controller"]:
            controllers = controllers.filter(code__in=opts["controller"])
            unknown = set(opts["controller"]) - set(controllers.values_list("code", flat=True))
            if unknown:
                raise CommandError(f"--controller: no group company {', '.join(sorted(unknown))}")
        tables = stats_report(
            controller_ids=controllers.values_list("pk", flat=True), threshold=threshold
        )
        if opts["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"threshold": threshold, "tables": [t.as_dict() for t in tables]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"groups of fewer than {threshold} are suppressed\n")
        for t in tables:
            self.stdout.write(f"\n{t.title}")
            self.stdout.write("\t".join([t.group, *t.metrics]))
            for r in t.rows:
                cells = ["–" if r.values[m] is None else str(r.values[m]) for m in t.metrics]
                self.stdout.write("\t".join([r.label, *cells]))
            if t.suppressed_rows:
                self.stdout.write(f"({t.suppressed_rows} small groups left out or merged)")
