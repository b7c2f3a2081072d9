"""rekisteri backup DIR [--passphrase-file F]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.backup.database import DatabaseBackupError
from rekisteri.backup.envelope import BackupCryptoError
from rekisteri.backup.ledger import LedgerError
from rekisteri.backup.services import BackupError, backup_create, passphrase_read


class Command(BaseCommand):
    help = (
        "Write an encrypted, consistent backup (database, stored files, keys, erasure "
        "ledger) into a new directory while the register is in use."
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
            done = backup_create(
                options["directory"],
                passphrase=passphrase,
                progress=lambda m: self.stderr.write(m + " …"),
            )
        except (BackupError, BackupCryptoError, DatabaseBackupError, LedgerError) as exc:
            raise CommandError(str(exc)) from exc
        summary = {
            k: done[k]
            for k in ("made_at", "database", "stored_files", "ledger_entries", "archive_bytes")
        }
        self.stdout.write(json.dumps(summary))
        self.stdout.write(self.style.SUCCESS(f"backup written to {options['directory']}"))
