"""Backups that keep erasures erased: `rekisteri backup DIR` and `rekisteri restore DIR`.

A backup is one encrypted file (`backup.rkb`, see backup/envelope.py) and a readable
`manifest.json` beside it. Inside the encrypted file is a tar archive:

- `database.sqlite3` or `database.pgdump`: a consistent copy (backup/database.py);
- `home/…`: the stored files of the data directory (interaction attachments, generated
  packages, campaign journals; everything but the database, the secrets and static files);
- `secrets/…`: the keys Rekisteri uses, whether they came from the data directory or from
  the environment (without them the copy cannot be read: identity codes are encrypted with
  the field key, the audit chain is keyed with the audit key);
- `erasure-ledger.jsonl`: the erasure ledger as it was (backup/ledger.py);
- `manifest.json`: time, version, database kind, migrations, each member's SHA-256.

Restore goes into an empty data directory (and an empty PostgreSQL database), checks every
member against the manifest, then reads the ledger — the one at REKISTERI_ERASURE_LEDGER
that outlived the loss, together with the backup's copy — and erases again, with the normal
erasure service under a system scope, every person whose erasure the restored copy
predates: one whose id the ledger names and for whom the copy has no erasure event in its
audit trail at or after the ledger's time. Those erasures are audited like any other, so
`rekisteri audit verify` passes on the restored register.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Max
from django.utils import timezone

from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.backup import database
from rekisteri.backup.envelope import DecryptingReader, EncryptingWriter
from rekisteri.backup.ledger import (
    ledger_entries,
    ledger_lines,
    ledger_path,
    lines_append,
    subject_hash,
)
from rekisteri.common.env import env_str

FORMAT = 1
ARCHIVE = "backup.rkb"
MANIFEST = "manifest.json"
LEDGER_MEMBER = "erasure-ledger.jsonl"
STAGING = ".restore-staging"
#: settings name → (environment variable, file name under REKISTERI_HOME/secrets)
KEYS = {
    "SECRET_KEY": ("SECRET_KEY", "secret_key"),
    "FIELD_ENCRYPTION_KEY": ("REKISTERI_FIELD_KEY", "field_key"),
    "SUPPRESSION_KEY": ("REKISTERI_SUPPRESSION_KEY", "suppression_key"),
    "AUDIT_CHAIN_KEY": ("REKISTERI_AUDIT_KEY", "audit_key"),
}
MIN_PASSPHRASE = 12


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


def passphrase_read(path: str | None) -> bytes:
    """The passphrase from `--passphrase-file`, or REKISTERI_BACKUP_PASSPHRASE(_FILE)."""
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BackupError(f"the passphrase file {path} cannot be read") from exc
    else:
        value = env_str("REKISTERI_BACKUP_PASSPHRASE").strip()
    if not value:
        raise BackupError(
            "a passphrase is needed: --passphrase-file FILE (or REKISTERI_BACKUP_PASSPHRASE_FILE)"
        )
    if len(value) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    return value.encode()


def _home() -> Path:
    return Path(settings.HOME)


def _database_files() -> set[Path]:
    if connection.vendor != "sqlite":
        return set()
    name = Path(str(connection.settings_dict["NAME"]))
    return {Path(f"{name}{s}") for s in ("", "-wal", "-shm", "-journal")}


def _stored_files() -> Iterator[tuple[Path, str]]:
    """(path, relative name) of every file in the data directory a backup carries."""
    home = _home()
    skip_dirs = {home / "secrets", Path(settings.STATIC_ROOT), home / STAGING}
    skip_files = _database_files() | {ledger_path()}
    for root, dirs, files in os.walk(home):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if here / d not in skip_dirs)
        for name in sorted(files):
            path = here / name
            if path in skip_files or name.endswith(".part"):
                continue
            yield path, path.relative_to(home).as_posix()


def _secrets() -> dict[str, bytes]:
    """file name → value of every key in use, wherever it came from."""
    out: dict[str, bytes] = {}
    folder = _home() / "secrets"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                out[path.name] = path.read_bytes().strip()
    for setting, (_var, file_name) in KEYS.items():
        out[file_name] = str(getattr(settings, setting)).encode()
    return out


def migration_state() -> dict[str, list[str]]:
    loader = MigrationLoader(connection)
    state: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations):
        state.setdefault(app, []).append(name)
    return state


def _version() -> str:
    try:
        return version("rekisteri")
    except PackageNotFoundError:
        return "unknown"


class _Hashing(io.RawIOBase):
    """Passes writes on to a file and hashes them (the encrypted file's checksum)."""

    def __init__(self, out: Any) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, data: Any) -> int:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def backup_create(
    target: Path, *, passphrase: bytes, progress: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    """Write an encrypted backup into the directory `target` (new, or empty)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new or empty directory per backup")
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix="rekisteri-backup-") as work:
        dump = Path(work) / "database"
        made_at = timezone.now()
        progress("copying the database")
        kind = database.database_dump(dump)
        members: list[tuple[str, Path | bytes]] = [
            ("database.sqlite3" if kind == "sqlite" else "database.pgdump", dump)
        ]
        progress("collecting stored files, secrets and the erasure ledger")
        members += [(f"home/{rel}", path) for path, rel in _stored_files()]
        members += [(f"secrets/{name}", value) for name, value in _secrets().items()]
        ledger = "".join(ledger_lines()).encode()
        members.append((LEDGER_MEMBER, ledger))
        checksums: dict[str, str] = {}
        for name, body in members:
            checksums[name] = (
                hashlib.sha256(body).hexdigest() if isinstance(body, bytes) else _sha256(body)
            )
        manifest = {
            "format": FORMAT,
            "made_at": made_at.isoformat(),
            "rekisteri_version": _version(),
            "database": kind,
            "migrations": migration_state(),
            "stored_files": sum(1 for n, _b in members if n.startswith("home/")),
            "ledger_entries": ledger.count(b"\n"),
            "secrets_from_environment": sorted(var for var, _f in KEYS.values() if env_str(var)),
        }
        progress("encrypting")
        partial = target / (ARCHIVE + ".part")
        with open(partial, "wb") as raw:
            hashing = _Hashing(raw)
            writer = EncryptingWriter(hashing, passphrase)  # type: ignore[arg-type]
            with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                inner = json.dumps({**manifest, "checksums": checksums}, indent=2).encode()
                for name, body in [(MANIFEST, inner), *members]:
                    if isinstance(body, bytes):
                        info = tarfile.TarInfo(name)
                        info.size, info.mode = len(body), 0o600
                        tar.addfile(info, io.BytesIO(body))
                    else:
                        tar.add(str(body), arcname=name, recursive=False)
            writer.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target / ARCHIVE)
        outer = {**manifest, "archive": ARCHIVE, "archive_sha256": hashing.digest.hexdigest()}
        (target / MANIFEST).write_text(json.dumps(outer, indent=2) + "\n", encoding="utf-8")
    with transaction.atomic():
        # A backup copies every person's data: the trail says when and where to.
        audit_record(
            actor=Actor("rekisteri backup"),
            action=AuditAction.ADMIN,
            reason=f"backup made into {target}",
            detail={"made_at": manifest["made_at"], "database": kind},
        )
    return {**outer, "archive_bytes": hashing.size}


# --- restore ---------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    made_at: str
    database: str
    stored_files: int
    migrated: bool
    ledger_entries: int
    already_erased: int = 0
    re_erased: int = 0
    re_erased_kept_by_law: int = 0
    not_in_copy: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _home_contents() -> list[str]:
    """What in the data directory would be overwritten: database, stored files."""
    found = []
    if not database.database_is_empty():
        found.append("a database with tables")
    for _path, rel in _stored_files():
        if rel == STAGING or rel.startswith(STAGING + "/"):
            continue
        found.append(rel.split("/")[0] + "/")
        break
    return found


def _check_keys(secrets: dict[str, bytes]) -> None:
    for var, file_name in KEYS.values():
        if file_name not in secrets:
            raise BackupError(f"the backup has no {file_name}: it is incomplete")
        given = env_str(var)
        if given and given.encode() != secrets[file_name]:
            raise BackupError(
                f"{var} in the environment is not the key this backup was made with: "
                "unset it, or set it to the key of that time"
            )


def _unpack(archive: Path, passphrase: bytes, staging: Path) -> dict[str, Any]:
    with open(archive, "rb") as raw:
        reader = DecryptingReader(raw, passphrase)
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            tar.extractall(staging, filter="data")
    try:
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError("the backup has no readable manifest") from exc
    for name, expected in manifest["checksums"].items():
        path = staging / name
        if not path.is_file() or _sha256(path) != expected:
            raise BackupError(f"the backup's {name.split('/')[0]} does not match its checksum")
    return manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in on_disk
    )
    if newer:
        raise BackupError(
            f"the backup was made by a newer Rekisteri ({manifest['rekisteri_version']}; "
            f"{len(newer)} migrations this installation does not have): install that "
            "version or newer before restoring"
        )


def backup_restore(
    source: Path, *, passphrase: bytes, progress: Callable[[str], None] = lambda _m: None
) -> RestoreReport:
    """Restore a backup into the empty data directory and database, then erase again
    everyone the erasure ledger names whose erasure the copy predates."""
    source = Path(source)
    archive = source / ARCHIVE
    if not archive.is_file():
        raise BackupError(f"{source} holds no backup (no {ARCHIVE})")
    home = _home()
    contents = _home_contents()
    if contents:
        raise BackupError(
            f"REKISTERI_HOME ({home}) is not empty: it holds {', '.join(contents)}. "
            "Restore only into an empty data directory (and an empty database)."
        )
    staging = home / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    try:
        progress("decrypting and checking")
        manifest = _unpack(archive, passphrase, staging)
        _check_migrations(manifest)
        secrets = {
            p.name: p.read_bytes() for p in sorted((staging / "secrets").iterdir()) if p.is_file()
        }
        _check_keys(secrets)
        progress("restoring the database")
        dump = staging / (
            "database.sqlite3" if manifest["database"] == "sqlite" else "database.pgdump"
        )
        database.database_restore(dump, manifest["database"])
        progress("restoring stored files and keys")
        stored = 0
        files_root = staging / "home"
        if files_root.is_dir():
            for path in sorted(p for p in files_root.rglob("*") if p.is_file()):
                dest = home / path.relative_to(files_root)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, dest)
                stored += 1
        _keys_install(secrets)
        _ledger_merge((staging / LEDGER_MEMBER).read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    migrated = _migrate_if_needed()
    report = RestoreReport(
        made_at=manifest["made_at"],
        database=manifest["database"],
        stored_files=stored,
        migrated=migrated,
        ledger_entries=0,
    )
    progress("re-applying erasures from the erasure ledger")
    erasures_reapply(report)
    with transaction.atomic():
        audit_record(
            actor=Actor("rekisteri restore"),
            action=AuditAction.ADMIN,
            reason=f"restored from the backup made at {report.made_at}",
            detail={k: v for k, v in report.as_dict().items() if k != "failed"},
        )
    return report


def _keys_install(secrets: dict[str, bytes]) -> None:
    """Write the backup's keys where this installation reads them, and use them from now
    on in this process. A key given in the environment (checked equal) is not written."""
    folder = _home() / "secrets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    from_env = {file_name for var, file_name in KEYS.values() if env_str(var)}
    for name, value in secrets.items():
        if name in from_env:
            continue
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(value)
            fh.flush()
            os.fsync(fh.fileno())
    for setting, (_var, file_name) in KEYS.items():
        setattr(settings, setting, secrets[file_name].decode())


def _ledger_merge(copy: str) -> None:
    """The live ledger (which may have outlived the data directory) gains the lines of the
    backup's copy it does not have; nothing is removed."""
    have = set(ledger_lines())
    missing = [
        line + "\n" for line in copy.splitlines() if line.strip() and line + "\n" not in have
    ]
    if missing:
        lines_append(missing)


def _migrate_if_needed() -> bool:
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


def erasures_reapply(report: RestoreReport) -> None:
    """Erase again every person the ledger names whose erasure this register predates."""
    from rekisteri.access.capabilities import Cap
    from rekisteri.audit.models import AuditEvent
    from rekisteri.audit.work import system_scope
    from rekisteri.register.models import Person
    from rekisteri.rights.erasure import ErasureBlocked, erasure_execute

    entries = ledger_entries(ledger_lines())
    report.ledger_entries = len(entries)
    latest: dict[str, Any] = {}
    for entry in entries:
        if entry.subject not in latest or entry.at > latest[entry.subject]:
            latest[entry.subject] = entry.at
    if not latest:
        return
    ids = {subject_hash(pid): pid for pid in Person._base_manager.values_list("pk", flat=True)}
    present = set(ids.values())
    # The copy's last erasure event of each person it erased.
    erased_at = dict(
        AuditEvent.objects.filter(action=AuditAction.ERASURE, person_id__isnull=False)
        .values("person_id")
        .annotate(last=Max("at"))
        .values_list("person_id", "last")
    )
    ids.update({subject_hash(pid): pid for pid in erased_at})
    due: list[int] = []
    for subject, at in latest.items():
        pid = ids.get(subject)
        if pid is not None and pid in erased_at and erased_at[pid] >= at:
            report.already_erased += 1
        elif pid is None or pid not in present:
            report.not_in_copy += 1
        else:
            due.append(pid)
    if not due:
        return
    actor = Actor("rekisteri restore")
    scope = system_scope(
        "restore: erasing again the persons the erasure ledger names, erased after the "
        "backup was made",
        actor=actor.name,
        capabilities=[Cap.HANDLE_RIGHTS_REQUESTS],
    )
    for pid in sorted(due):
        person = Person._base_manager.get(pk=pid)
        try:
            result = erasure_execute(scope=scope, actor=actor, person=person)
        except ErasureBlocked as exc:
            report.failed.append(f"person {pid}: {exc}")
            continue
        report.re_erased += 1
        if result.person_kept:
            report.re_erased_kept_by_law += 1
