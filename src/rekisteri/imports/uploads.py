"""Uploaded import files, kept only between the preview and the confirmation.

A file a user uploads on the import page is personal data in bulk. It is written to
`REKISTERI_HOME/imports/` under a random name (mode 0600), read again when the user
confirms, and deleted at once after the import, after a cancel, when its preview had
errors, or when it is older than `MAX_AGE` (every visit to the import page clears the old
ones). Nothing of it is logged; the session holds only the random name and the choices.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

MAX_AGE = 30 * 60  # seconds between preview and confirmation
MAX_SIZE = 50 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class UploadError(ValueError):
    pass


def upload_dir() -> Path:
    path = Path(settings.HOME) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_save(upload: UploadedFile) -> str:
    """Store the file; return its token (the file's name), which the session keeps."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError("not_csv_or_xlsx")
    if (upload.size or 0) > MAX_SIZE:
        raise UploadError("too_large")
    upload_sweep()
    token = secrets.token_urlsafe(24) + suffix
    fd = os.open(upload_dir() / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def upload_path(token: str) -> Path | None:
    """The stored file of this token, or None when it is gone or too old."""
    name = Path(token or "").name
    if not name or name != token or Path(name).suffix not in SUFFIXES:
        return None
    path = upload_dir() / name
    try:
        if time.time() - path.stat().st_mtime > MAX_AGE:
            path.unlink(missing_ok=True)
            return None
    except FileNotFoundError:
        return None
    return path


def upload_delete(token: str) -> None:
    name = Path(token or "").name
    if name and name == token:
        (upload_dir() / name).unlink(missing_ok=True)


def upload_sweep(max_age: int = MAX_AGE) -> int:
    """Delete the files older than max_age seconds; return how many."""
    gone = 0
    now = time.time()
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > max_age:
                path.unlink(missing_ok=True)
                gone += 1
        except FileNotFoundError:
            continue
    return gone
