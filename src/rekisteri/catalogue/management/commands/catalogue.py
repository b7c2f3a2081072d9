"""rekisteri catalogue check [FILE] | load FILE [--force] | show | migrate FILE [-o OUT]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.catalogue.checks import (
    catalogue_problems,
    uncovered_capabilities,
    undeclared_categories,
    unused_categories,
)
from rekisteri.catalogue.migrate import MigrateError, migrate_text
from rekisteri.catalogue.schema import SECTIONS, CatalogueError, CatalogueIssue, parse_catalogue
from rekisteri.catalogue.selectors import catalogue_current_version
from rekisteri.catalogue.services import (
    CatalogueDropRefused,
    catalogue_drop_plan,
    catalogue_load,
)

DEMO_CATALOGUE = Path(__file__).resolve().parents[2] / "demo_catalogue.toml"


class Command(BaseCommand):
    help = "Validate, load, print and convert the processing catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="validate a file (default: the loaded catalogue) against the code's field map",
        )
        check.add_argument("file", nargs="?")
        load = sub.add_parser("load", help="validate and load a file as a new version")
        load.add_argument("file")
        load.add_argument(
            "--force",
            action="store_true",
            help="load even if it drops categories or purposes that still hold data "
            "(the plan of what happens to them is printed and audited)",
        )
        sub.add_parser("show", help="print the loaded catalogue")
        migrate = sub.add_parser(
            "migrate", help="convert a catalogue of the first format (role flags) to this one"
        )
        migrate.add_argument("file")
        migrate.add_argument("-o", "--output", help="write here instead of printing")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        action = options["action"]
        if action == "show":
            return self._show()
        if action == "migrate":
            return self._migrate(options["file"], options.get("output"))
        text, name = self._read(options.get("file"))
        warnings: list[CatalogueIssue] = []
        try:
            catalogue = parse_catalogue(text, warnings=warnings)
        except CatalogueError as exc:
            raise CommandError(
                f"{name}: the catalogue is not valid:\n" + "\n".join(f"  {i}" for i in exc.issues)
            ) from exc
        problems = catalogue_problems(catalogue)
        if problems:
            raise CommandError(
                f"{name}: the code and the catalogue disagree:\n"
                + "\n".join(f"  {p}" for p in problems)
            )
        if action == "check":
            self.stdout.write(self.style.SUCCESS(f"{name}: catalogue {catalogue.version} is valid"))
            for section in SECTIONS:
                entries = getattr(catalogue, section)
                self.stdout.write(
                    f"  {section:12} {len(entries):3}  " + ", ".join(e.code for e in entries)
                )
            for w in warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {w}"))
            off = uncovered_capabilities(catalogue)
            if off:
                self.stdout.write(
                    self.style.WARNING(
                        "  warning: no purpose covers these capabilities, so those features "
                        "are off: " + ", ".join(off)
                    )
                )
            for category, fields in undeclared_categories(catalogue).items():
                self.stdout.write(
                    f"  note: category {category!r} is not declared, so these fields are off: "
                    + ", ".join(fields)
                )
            unused = unused_categories(catalogue)
            if unused:
                self.stdout.write(
                    f"  note: no model field holds these categories yet: {', '.join(unused)}"
                )
            return
        if options["force"]:
            plan = catalogue_drop_plan(catalogue)
            if plan is not None and plan.holds_data:
                self.stdout.write(self.style.WARNING("forced; what happens to the data:"))
                for line in plan.lines():
                    self.stdout.write(f"  {line}")
        try:
            version, created = catalogue_load(
                text=text, source_name=name, actor="catalogue-load", force=options["force"]
            )
        except CatalogueDropRefused as exc:
            raise CommandError(
                f"{name}: not loaded:\n"
                + "\n".join(f"  {line}" for line in exc.plan.lines())
                + "\nLoad it with --force to accept this."
            ) from exc
        except CatalogueError as exc:
            raise CommandError(
                f"{name}: not loaded:\n" + "\n".join(f"  {i}" for i in exc.issues)
            ) from exc
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"loaded catalogue {version.version} as version #{version.pk}")
            )
        else:
            self.stdout.write(f"catalogue unchanged (version #{version.pk})")

    def _migrate(self, file: str, output: str | None) -> None:
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file")
        try:
            text, notes = migrate_text(path.read_text(encoding="utf-8"))
        except MigrateError as exc:
            raise CommandError(f"{file}: cannot convert: {exc}") from exc
        try:
            parse_catalogue(text)
        except CatalogueError as exc:
            raise CommandError(
                f"{file}: converted, but the result is not valid; fix these in the original:\n"
                + "\n".join(f"  {i}" for i in exc.issues)
            ) from exc
        for note in notes:
            self.stderr.write(f"  {note}")
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(self.style.SUCCESS(f"wrote {output}"))
        else:
            self.stdout.write(text, ending="")

    def _read(self, file: str | None) -> tuple[str, str]:
        if file:
            path = Path(file)
            if not path.exists():
                raise CommandError(f"{file}: no such file")
            return path.read_text(encoding="utf-8"), str(path)
        current = catalogue_current_version()
        if current is None:
            raise CommandError(
                "no catalogue is loaded: give a FILE, or run `rekisteri catalogue load FILE`"
            )
        return current.source_text, f"loaded catalogue #{current.pk}"

    def _show(self) -> None:
        current = catalogue_current_version()
        if current is None:
            raise CommandError("no catalogue is loaded")
        self.stdout.write(current.source_text)
