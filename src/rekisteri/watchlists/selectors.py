"""Reading the lists: the current versions, their fingerprint, entries for display."""

from __future__ import annotations

import hashlib

from rekisteri.watchlists.models import ListEntity, ListVersion, WatchList


def current_versions() -> list[ListVersion]:
    """One current version per list (a list whose every load failed has none)."""
    return list(
        ListVersion.objects.filter(is_current=True)
        .select_related("watchlist")
        .order_by("watchlist__name")
    )


def lists_fingerprint() -> str:
    """Changes whenever a list's current version changes (a load, a new list): the
    screening app re-screens everyone when it differs from the one it screened against,
    and the match index is rebuilt."""
    rows = ListVersion.objects.filter(is_current=True).order_by("watchlist_id")
    text = ";".join(
        f"{wid}:{vid}:{sha}:{at.isoformat()}"
        for wid, vid, sha, at in rows.values_list("watchlist_id", "id", "sha256", "loaded_at")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def list_versions(watchlist: WatchList | None = None) -> list[ListVersion]:
    qs = ListVersion.objects.select_related("watchlist")
    if watchlist is not None:
        qs = qs.filter(watchlist=watchlist)
    return list(qs)


def list_entity(entity_id: int) -> ListEntity | None:
    """One entry, with its version and list, for the review page."""
    return ListEntity.objects.select_related("version__watchlist").filter(pk=entity_id).first()
