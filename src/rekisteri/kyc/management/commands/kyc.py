"""`rekisteri kyc import FILE --kind owners|representatives|pep [--dry-run]
[--controller CODE] [--source KIND] [--source-date YYYY-MM-DD]` — import KYC records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.work import system_scope
from rekisteri.imports.cli import controller_of, write_report
from rekisteri.imports.readers import ReadError, read_table
from rekisteri.kyc.importer import KINDS, import_kyc
from rekisteri.kyc.models import KycSource

ACTOR = "rekisteri kyc import"


class Command(BaseCommand):
    help = "Know your customer: import beneficial owners, representatives or PEP statuses."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV or XLSX file of KYC records")
        imp.add_argument("file")
        imp.add_argument("--kind", required=True, choices=KINDS, help="what the file holds")
        imp.add_argument("--dry-run", action="store_true", help="check and report only")
        imp.add_argument(
            "--controller", default="", help="group company code (needed when there are several)"
        )
        imp.add_argument(
            "--source",
            default="",
            choices=["", *KycSource.values],
            help="the source of rows without a source column",
        )
        imp.add_argument(
            "--source-date", default="", help="the date of the source (YYYY-MM-DD) likewise"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        with translation.override("en"):  # the command speaks English, as `rekisteri import`
            self._import(opts)

    def _import(self, opts: dict[str, Any]) -> None:
        controller = controller_of(opts["controller"])
        try:
            table = read_table(opts["file"], opts["kind"])
        except ReadError as exc:
            raise CommandError(f"{opts['file']}: {exc}") from None
        try:
            scope = system_scope(
                f"KYC import ({opts['kind']}) from {table.source_file}",
                actor=ACTOR,
                capabilities=[Cap.SCREEN_CUSTOMERS],
            )
            report = import_kyc(
                scope=scope,
                actor=ACTOR,
                controller=controller,
                kind=opts["kind"],
                rows=table,
                source=opts["source"],
                source_date=opts["source_date"],
                source_file=table.source_file,
                dry_run=opts["dry_run"],
            )
        except ProcessingRefused as exc:
            raise CommandError(str(exc.reason)) from None
        except PermissionError as exc:
            raise CommandError(str(exc)) from None
        write_report(self, opts["file"], report)
