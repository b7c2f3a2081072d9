"""rekisteri bench [--persons N] [--interactions M] [--database URL] [--out FILE.json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the performance benchmark in a throwaway database and print a JSON report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=1_000_000)
        parser.add_argument("--organizations", type=int, default=None, help="default: persons / 5")
        parser.add_argument("--interactions", type=int, default=None, help="default: persons × 10")
        parser.add_argument(
            "--sample", type=int, default=1000, help="persons per per-item operation"
        )
        parser.add_argument(
            "--import-rows",
            type=int,
            default=None,
            help="rows in the import test (default: min(persons, 100,000))",
        )
        parser.add_argument(
            "--seconds", type=float, default=10.0, help="duration of each load test"
        )
        parser.add_argument(
            "--database",
            help="PostgreSQL server URL to make the throwaway database on (default: DATABASE_URL, else SQLite)",
        )
        parser.add_argument(
            "--list-entities",
            type=int,
            default=50_000,
            help="entries of the synthetic sanctions list the screening operations match against",
        )
        parser.add_argument("--out", help="write the JSON report here")
        parser.add_argument("--only", help="comma-separated operation names")
        parser.add_argument(
            "--markdown", help="also write the result table as Markdown to this file"
        )
        parser.add_argument("--worker", action="store_true", help=None)

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        from rekisteri.cli import missing_extra

        if message := missing_extra("bench"):
            raise CommandError(message)
        persons = options["persons"]
        options["organizations"] = (
            options["organizations"]
            if options["organizations"] is not None
            else max(1, persons // 5)
        )
        options["interactions"] = (
            options["interactions"] if options["interactions"] is not None else persons * 10
        )
        options["import_rows"] = (
            options["import_rows"] if options["import_rows"] is not None else min(persons, 100_000)
        )
        options["sample"] = min(options["sample"], persons)
        if options["worker"]:
            from rekisteri.bench.worker import run_worker

            report = run_worker(options, self.stdout)
            Path(options["out"]).write_text(json.dumps(report, indent=2))
            return
        from rekisteri.bench.runner import render_markdown, render_table, run_parent

        report = run_parent(options, self.stdout)
        self.stdout.write(render_table(report))
        if options.get("markdown"):
            Path(options["markdown"]).write_text(render_markdown(report) + "\n")
        text = json.dumps(report, indent=2)
        if options.get("out"):
            Path(options["out"]).write_text(text)
            self.stdout.write(f"\nreport written to {options['out']}")
        else:
            self.stdout.write(text)
