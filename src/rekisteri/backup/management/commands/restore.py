"""rekisteri restore DIR [--passphrase-file F]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.backup.database import DatabaseBackupError
from rekisteri.backup.envelope import BackupCryptoError
from rekisteri.backup.ledger import LedgerError
from rekisteri.backup.services import BackupError, backup_restore, passphrase_read


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty REKISTERI_HOME (and empty database), then erase "
        "again everyone the erasure ledger names whose erasure the backup predates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--passphrase-file",
            help="file holding the passphrase (default: REKISTERI_BACKUP_PASSPHRASE_FILE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = passphrase_read(options["passphrase_file"])
            report = backup_restore(
                options["directory"],
                passphrase=passphrase,
                progress=lambda m: self.stderr.write(m + " …"),
            )
        except (BackupError, BackupCryptoError, DatabaseBackupError, LedgerError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report.as_dict()))
        self.stdout.write(
            f"restored the backup of {report.made_at}: {report.stored_files} stored files; "
            f"erasure ledger: {report.ledger_entries} entries, {report.re_erased} persons "
            f"erased again ({report.re_erased_kept_by_law} of them kept minimised by law), "
            f"{report.already_erased} already erased in the backup"
        )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} erasures could not be applied again: "
                + "; ".join(report.failed)
            )
