"""Loading a list file as a new version of a list: the only writer of the lists.

The whole file is read and checked before anything is written, and the version is written
and made current in one transaction: a bad line or element loads nothing, and a load that
fails or is killed half-way leaves the previous version current (the database rolls the
uncommitted version back). The load is written to the audit trail in the same transaction.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.watchlists.formats import (
    SUPPORTED,
    ListFileError,
    ParsedEntry,
    detect_format,
    read_entries,
    unknown_format,
)
from rekisteri.watchlists.models import (
    EntitySchema,
    ListEntity,
    ListFormat,
    ListVersion,
    WatchList,
)
from rekisteri.watchlists.normalize import entry_tokens

__all__ = ["ListFileError", "load_list", "SUPPORTED"]

#: the list's name when the loader is not given one
DEFAULT_NAMES = {
    ListFormat.FTM: "OpenSanctions",
    ListFormat.EU_FSF: "EU Financial Sanctions Files",
    ListFormat.UN: "UN Security Council consolidated list",
}

BATCH = 2000


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def entity_row(version: ListVersion, entry: ParsedEntry) -> ListEntity:
    """One entry with the matcher's precomputed tokens and codes (see matching.py)."""
    tokens, codes = entry_tokens(entry.names, entry.schema != EntitySchema.PERSON)
    return ListEntity(
        version=version,
        key=entry.key[:200],
        schema=entry.schema,
        caption=entry.caption[:400],
        names=entry.names,
        birth_dates=entry.birth_dates,
        countries=entry.countries,
        topics=entry.topics,
        raw=entry.raw,
        name_tokens=tokens,
        name_codes=codes,
    )


def load_list(
    path: Path | str,
    *,
    format: str | None = None,
    name: str | None = None,
    actor: Any = None,
) -> ListVersion:
    """Loads a whole file as a new version of list `name` (default by its format) and makes
    it current; atomic and audited. Raises ListFileError naming the line or element of the
    first bad entry, or the supported formats for an unknown one."""
    path = Path(path)
    if format is not None and format not in SUPPORTED:
        raise unknown_format(repr(format))
    if not path.is_file():
        raise ListFileError(_("%(file)s: no such file") % {"file": path.name})
    fmt = format or detect_format(path)
    entries: dict[str, ParsedEntry] = {}
    for entry in read_entries(path, fmt):
        if entry.key in entries:
            raise ListFileError(
                _("the entry %(key)s is in the file twice") % {"key": entry.key[:200]}
            )
        entries[entry.key] = entry
    if not entries:
        raise ListFileError(_("%(file)s holds no list entries") % {"file": path.name})
    list_name = (name or DEFAULT_NAMES[ListFormat(fmt)]).strip()[:120]
    who = actor_of(actor or "watchlists")
    sha = _sha256(path)
    with transaction.atomic():
        watchlist, _created = WatchList.objects.get_or_create(name=list_name)
        # one load of a list at a time: the second waits and then replaces the first
        watchlist = WatchList.objects.select_for_update().get(pk=watchlist.pk)
        version = ListVersion.objects.create(
            watchlist=watchlist,
            file_name=path.name[:255],
            sha256=sha,
            format=fmt,
            loaded_at=timezone.now(),
            loaded_by=who.name[:150],
            entity_count=0,
            is_current=False,
        )
        rows = [entity_row(version, e) for e in entries.values()]
        for start in range(0, len(rows), BATCH):
            ListEntity.objects.bulk_create(rows[start : start + BATCH])
        previous = list(
            ListVersion.objects.filter(watchlist=watchlist, is_current=True).values_list(
                "pk", flat=True
            )
        )
        ListVersion.objects.filter(pk__in=previous).update(is_current=False)
        version.entity_count = len(rows)
        version.is_current = True
        version.save(update_fields=["entity_count", "is_current"])
        audit_record(
            actor=who,
            action=AuditAction.IMPORT,
            record=f"watchlists.ListVersion:{version.pk}",
            reason="sanctions or PEP list loaded",
            detail={
                "list": list_name,
                "file": version.file_name,
                "sha256": sha,
                "format": fmt,
                "entities": len(rows),
                "replaced_versions": previous,
            },
        )
    return version
