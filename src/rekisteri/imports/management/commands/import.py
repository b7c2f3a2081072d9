"""rekisteri import persons|organizations FILE [--dry-run] [--source NAME] [--controller CODE]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.audit.services import Actor
from rekisteri.catalogue.models import SourceKind
from rekisteri.imports.cli import controller_of, write_report
from rekisteri.imports.readers import ReadError, read_table
from rekisteri.imports.services import import_organizations, import_persons
from rekisteri.register.services import SourceRef


class Command(BaseCommand):
    help = "Import persons or organisations from a CSV or XLSX file (see docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["persons", "organizations"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        parser.add_argument("--source", default="", help="source name (default: the file name)")
        parser.add_argument(
            "--source-kind",
            default=SourceKind.THIRD_PARTY,
            choices=SourceKind.values,
            help="where the data came from (default: third_party)",
        )
        parser.add_argument(
            "--purpose",
            default="",
            help=(
                "the catalogue purpose the data is collected for (default: the one purpose "
                "of the catalogue that covers importing, when there is one)"
            ),
        )
        parser.add_argument(
            "--controller", default="", help="group company code (needed when there are several)"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        controller = controller_of(options["controller"])
        options["purpose"] = self._check_purpose(options["purpose"])
        try:
            table = read_table(options["file"], options["kind"])
        except ReadError as exc:
            raise CommandError(f"{options['file']}: {exc}") from None
        source = SourceRef(
            kind=options["source_kind"],
            name=options["source"] or table.source_file,
            purpose=options["purpose"],
        )
        run = import_persons if options["kind"] == "persons" else import_organizations
        report = run(
            actor=Actor("import"),
            controller=controller,
            rows=table,
            source=source,
            dry_run=options["dry_run"],
            progress=True,
        )
        write_report(self, options["file"], report)

    def _check_purpose(self, purpose: str) -> str:
        from rekisteri.access.capabilities import Cap
        from rekisteri.catalogue.selectors import catalogue_snapshot

        snap = catalogue_snapshot()
        importing = sorted(snap.purposes_with_capability(Cap.IMPORT_DATA))
        if not purpose:
            if len(importing) == 1:
                return importing[0]
            if not importing:
                raise CommandError(
                    "importing is off: no purpose in the catalogue covers importing data"
                )
            raise CommandError(f"--purpose is needed: choose one of {', '.join(importing)}")
        if purpose not in snap.purposes:
            raise CommandError(
                f"--purpose: {purpose!r} is not a purpose of the catalogue"
                f" ({', '.join(sorted(snap.purposes))})"
            )
        return purpose
