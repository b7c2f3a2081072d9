"""rekisteri catalogue check [FILE] | load FILE | show"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.catalogue.checks import catalogue_problems, unused_categories
from rekisteri.catalogue.schema import CatalogueError, parse_catalogue
from rekisteri.catalogue.selectors import catalogue_current_version
from rekisteri.catalogue.services import catalogue_load

DEMO_CATALOGUE = Path(__file__).resolve().parents[2] / "demo_catalogue.toml"


class Command(BaseCommand):
    help = "Validate, load and print the processing catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="validate a file (default: the loaded catalogue) against the code's field map",
        )
        check.add_argument("file", nargs="?")
        load = sub.add_parser("load", help="validate and load a file as a new version")
        load.add_argument("file")
        sub.add_parser("show", help="print the loaded catalogue")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        action = options["action"]
        if action == "show":
            return self._show()
        text, name = self._read(options.get("file"))
        try:
            data = parse_catalogue(text)
        except CatalogueError as exc:
            raise CommandError(
                f"{name}: the catalogue is not valid:\n" + "\n".join(f"  {i}" for i in exc.issues)
            ) from exc
        problems = catalogue_problems(data)
        if problems:
            raise CommandError(
                f"{name}: the code and the catalogue disagree:\n"
                + "\n".join(f"  {p}" for p in problems)
            )
        if action == "check":
            self.stdout.write(self.style.SUCCESS(f"{name}: catalogue {data.version} is valid"))
            for section, entries in data.sections.items():
                self.stdout.write(
                    f"  {section:12} {len(entries):3}  "
                    + ", ".join(e.get("code", "?") for e in entries)
                )
            unused = unused_categories(data)
            if unused:
                self.stdout.write(
                    f"  note: no model field holds these categories yet: {', '.join(unused)}"
                )
            return
        version, created = catalogue_load(text=text, source_name=name, actor="catalogue-load")
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"loaded catalogue {version.version} as version #{version.pk}")
            )
        else:
            self.stdout.write(f"catalogue unchanged (version #{version.pk})")

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
