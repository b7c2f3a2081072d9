"""Files of interactions (call audio, attachments, camera recordings) on disk, never in the DB.

A file is written first (to a temporary name, fsynced, then renamed into place) and its
StoredFile row is created in the caller's transaction together with the row that refers to
it. Removal goes the other way: rows are deleted and committed first, and only then is a
file that no row refers to any more unlinked and its StoredFile row deleted
(`orphan_files_remove`). A crash at any point leaves either an unreferenced StoredFile
(removed by the next run) or a file with no row at all (removed by `stray_files_remove`),
never a row that points at a missing file.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from rekisteri.interactions.models import StoredFile

SUBDIR = "interactions"
CHUNK = 1024 * 1024


def files_root() -> Path:
    return Path(settings.FILES_DIR)


def file_path(stored: StoredFile) -> Path:
    return files_root() / stored.path


def file_store(*, data: bytes | BinaryIO, content_type: str = "", suffix: str = "") -> StoredFile:
    """Write the bytes under FILES_DIR and create their StoredFile row (in the caller's
    transaction). The name is random: a file name must not carry personal data."""
    now = timezone.now()
    safe_suffix = "".join(c for c in suffix.lower() if c.isalnum())[:8]
    rel = Path(SUBDIR) / f"{now:%Y}" / f"{now:%m}" / uuid.uuid4().hex
    if safe_suffix:
        rel = rel.with_suffix("." + safe_suffix)
    target = files_root() / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    size = 0
    with open(tmp, "wb") as out:
        if isinstance(data, bytes | bytearray):
            out.write(data)
            digest.update(data)
            size = len(data)
        else:
            while block := data.read(CHUNK):
                out.write(block)
                digest.update(block)
                size += len(block)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    return StoredFile.objects.create(
        path=rel.as_posix(), sha256=digest.hexdigest(), size=size, content_type=content_type[:100]
    )


def file_read(stored: StoredFile) -> bytes:
    data = file_path(stored).read_bytes()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise OSError(f"stored file {stored.pk} does not match its checksum")
    return data


def _references() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) that refers to a StoredFile, found from the model graph."""
    return [
        (rel.related_model, rel.field.name)
        for rel in StoredFile._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]


def referenced_file_ids(ids: Iterable[int] | None = None) -> set[int]:
    out: set[int] = set()
    for model, name in _references():
        qs = model._default_manager.filter(**{f"{name}__isnull": False})
        if ids is not None:
            qs = qs.filter(**{f"{name}__in": list(ids)})
        # order_by(): the models' default ordering (newest first) would make the database
        # walk the whole table in date order instead of using the file column's index.
        out.update(qs.order_by().values_list(name, flat=True).distinct())
    return out


def orphan_files_remove(
    *, ids: Iterable[int] | None = None, on_removed: Callable[[], None] | None = None
) -> int:
    """Remove StoredFiles (disk, then row) that no row refers to; `ids` limits the check.

    `on_removed()` runs in the transaction that deletes each file's row, so that a caller's
    count of removed files is right even if the process is killed half-way (the retention
    sweep's `files_removed`).

    Call it after the transaction that dropped the references has committed
    (transaction.on_commit), never inside it: a rollback would otherwise leave rows
    pointing at deleted files.
    """
    qs = StoredFile.objects.all()
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        qs = qs.filter(pk__in=ids)
    exclude = models.Q()
    for model, name in _references():
        exclude |= models.Q(
            pk__in=model._default_manager.filter(**{f"{name}__isnull": False}).values(name)
        )
    removed = 0
    for pk, rel in qs.exclude(exclude).values_list("pk", "path").iterator():
        (files_root() / rel).unlink(missing_ok=True)
        with transaction.atomic():
            # Re-check under the transaction: a row may have started to refer to it.
            if pk in referenced_file_ids([pk]):
                continue
            # No row refers to it (checked just above, in this transaction): a plain DELETE.
            # The ORM's collector would look for PROTECT referrers again, in each table's
            # default order, which is a full scan of the interaction tables per file.
            gone = StoredFile.objects.filter(pk=pk)._raw_delete(StoredFile.objects.db)
            if gone and on_removed is not None:
                on_removed()
            removed += gone
    return removed


def stray_files_remove(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Files under our directory with no StoredFile row (a write that never committed)."""
    root = files_root() / SUBDIR
    if not root.exists():
        return 0
    known = set(StoredFile.objects.values_list("path", flat=True))
    limit = (timezone.now() - older_than).timestamp()
    removed = 0
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(files_root()).as_posix()
        if rel not in known and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def files_check() -> dict[str, list[str]]:
    """Problems a sweep must never leave: unreferenced files, rows whose file is missing."""
    referenced = referenced_file_ids()
    out: dict[str, list[str]] = {"unreferenced": [], "missing": []}
    for pk, rel in StoredFile.objects.values_list("pk", "path"):
        if pk not in referenced:
            out["unreferenced"].append(rel)
        if not (files_root() / rel).exists():
            out["missing"].append(rel)
    return out
