"""rekisteri enrich ytj FILE | --fetch BUSINESS_ID… ; rekisteri enrich bolagsverket FILE

Thin: read and check the input (or fetch every business ID) first, then one service call
that writes it all in one transaction, then print what changed and what was kept, and why,
per organisation (docs/enrichment.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.enrichment.fetch import FetchError, fetch_ytj
from rekisteri.enrichment.services import enrich
from rekisteri.enrichment.sources import (
    RegisterCompany,
    SourceError,
    check_ytunnus,
    parse_bolagsverket,
    parse_prh,
)
from rekisteri.register.models import Controller


class Command(BaseCommand):
    help = (
        "Update organisations from the trade register: PRH's open data (YTJ) from a file or "
        "fetched, or Bolagsverket's bulk file (see docs/enrichment.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("register", choices=["ytj", "bolagsverket"])
        parser.add_argument("file", nargs="?", default="", help="the register's file")
        parser.add_argument(
            "--fetch",
            nargs="+",
            default=[],
            metavar="BUSINESS_ID",
            help="fetch these companies from PRH's API (REKISTERI_YTJ_URL) instead of a file",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="replace values the company gave us later than the register's, too",
        )
        parser.add_argument(
            "--controller", default="", help="only this group company's organisations (code)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        companies = self._read(options)
        controller_id = None
        if options["controller"]:
            controller = Controller.objects.filter(code=options["controller"]).first()
            if controller is None:
                raise CommandError(
                    f"--controller: no group company with code {options['controller']!r}"
                )
            controller_id = controller.pk
        try:
            scope = system_scope(
                f"rekisteri enrich {options['register']}", Cap.UPDATE_FROM_TRADE_REGISTER
            )
        except ProcessingRefused as exc:
            raise CommandError(str(exc.reason)) from None
        report = enrich(
            actor=Actor(f"enrich {options['register']}"),
            scope=scope,
            companies=companies,
            overwrite=options["overwrite"],
            controller_id=controller_id,
            dry_run=options["dry_run"],
        )
        for org in report.organizations:
            for line in org.lines():
                self.stdout.write(line)
        for business_id in report.not_found:
            self.stdout.write(
                f"{business_id}: no organisation with this business ID in the register"
            )
        prefix = "dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))

    def _read(self, options: dict) -> list[RegisterCompany]:  # type: ignore[type-arg]
        register, file, fetch = options["register"], options["file"], options["fetch"]
        if bool(file) == bool(fetch):
            raise CommandError("give either FILE or --fetch BUSINESS_ID…, not both or neither")
        if fetch:
            if register != "ytj":
                raise CommandError(
                    "--fetch reads PRH's API (ytj); Bolagsverket's data comes from its bulk file"
                )
            try:
                ids = [check_ytunnus(b, "--fetch") for b in fetch]
            except SourceError as exc:
                raise CommandError(str(exc)) from None
            companies = []
            # Everything is fetched before anything is written: one failure, nothing changes.
            for business_id in dict.fromkeys(ids):
                try:
                    companies.append(fetch_ytj(business_id))
                except (FetchError, SourceError) as exc:
                    raise CommandError(f"{exc} (nothing was written)") from None
            return companies
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            if register == "ytj":
                return parse_prh(path.read_text(encoding="utf-8-sig"), file)
            return parse_bolagsverket(path)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text (byte {exc.start})") from None
        except SourceError as exc:
            raise CommandError(f"{exc} (nothing was written)") from None
