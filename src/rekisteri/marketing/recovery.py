"""Who is sending a campaign, what a killed sender left behind, and how the next run resumes.

Design (issue 14: a campaign send killed with kill -9 must lose nobody and send nobody twice):

- **The lease names a process.** One worker sends a campaign at a time. It writes its
  identity into `Campaign.worker` and into `claimed_by` of every row it claims: host name,
  process id, the process's start time (so that a reused pid is not mistaken for it) and a
  random run id. A worker that ran on this host and whose process is gone is dead at once;
  one on another host, or whose process cannot be examined, when its heartbeat is older
  than the lease.
- **The journal says what went out.** Right after the SMTP peer accepted a message, the run
  appends the row's id to its journal file (one unbuffered write, no database round trip per
  message; what was written survives the process being killed). The database is brought
  level in batches, and the journal emptied. A run that ends removes its journal.
- **Recovery is exact where it can be and honest where it cannot.** A run sends its claimed
  rows one by one in id order and records every outcome (the journal for `sent`, the
  database at once for anything else) before the next. So of the rows a dead run left
  claimed, those in its journal were sent; the first one not in it may have reached the peer
  without being recorded (killed between the peer's "250" and the journal write): it becomes
  `unknown` and is never resent; the rest were never tried and go back to the queue. A dead
  run whose journal cannot be read here (it ran on another machine) leaves all its claimed
  rows `unknown` — at most one batch, as its recorded rows reach the database at every batch.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rekisteri.common.process import worker_identity, worker_is_dead
from rekisteri.marketing.models import Campaign, CampaignStatus, RecipientStatus

__all__ = ["worker_identity", "worker_is_dead"]  # the process identity lives in common.process

# --- the lease ---------------------------------------------------------------------------------


def lease_take(campaign: Campaign, identity: str, lease_seconds: int) -> bool:
    """Take the campaign for this run: free, held by a dead worker, or its lease run out."""
    now = timezone.now()
    holder = Campaign.objects.filter(pk=campaign.pk).values_list("worker", flat=True).first()
    free = Q(worker="") | Q(heartbeat_at__lt=now - timedelta(seconds=lease_seconds))
    if holder and worker_is_dead(holder):
        free |= Q(worker=holder)  # compare-and-set: only if nobody took it meanwhile
    return bool(
        Campaign.objects.filter(
            free, pk=campaign.pk, status__in=(CampaignStatus.QUEUED, CampaignStatus.SENDING)
        ).update(
            worker=identity,
            heartbeat_at=now,
            status=CampaignStatus.SENDING,
            started_at=campaign.started_at or now,
            updated_at=now,
        )
    )


# --- the journal ------------------------------------------------------------------------------


def journal_path(campaign_id: int, identity: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9.-]", "_", identity)
    return Path(settings.HOME) / "campaigns" / f"{campaign_id}-{name}.sent"


class Journal:
    """A run's record of the messages the peer accepted: row ids, one a line."""

    def __init__(self, campaign_id: int, identity: str) -> None:
        self.path = journal_path(campaign_id, identity)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Made before the run claims anything: a run's journal exists if it claimed rows.
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def add(self, row_id: int) -> None:
        os.write(self._fd, b"%d\n" % row_id)

    def clear(self) -> None:
        """Forget what the database now holds (appends go on at the new end)."""
        os.ftruncate(self._fd, 0)

    def close(self, *, remove: bool) -> None:
        os.close(self._fd)
        if remove:
            self.path.unlink(missing_ok=True)


def journal_read(path: Path) -> set[int] | None:
    """The ids a journal holds; None if there is no such journal here."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    # A last piece without its newline was cut short: not a record.
    return {int(line) for line in data.split(b"\n")[:-1] if line.isdigit()}


# --- after a dead run -------------------------------------------------------------------------


def recover(campaign: Campaign, rows: Any, identity: str) -> tuple[int, int, int]:
    """Settle the rows that dead runs left claimed: (sent, unknown, put back in the queue).

    Called by the run that holds the lease, so every other run is dead (or, on another
    machine past its lease, presumed so); their journals are removed once applied."""
    sent = unknown = requeued = 0
    now = timezone.now()
    with transaction.atomic():
        claimed = rows.filter(status=RecipientStatus.CLAIMED).exclude(claimed_by=identity)
        for owner in set(claimed.values_list("claimed_by", flat=True)):
            mine = claimed.filter(claimed_by=owner)
            done = journal_read(journal_path(campaign.pk, owner)) if owner.count("|") == 3 else None
            if done is None:
                # No journal here (another machine, or an older version that recorded in
                # batches): any of them may have gone out.
                unknown += mine.update(status=RecipientStatus.UNKNOWN, skip_reason="worker_died")
                continue
            ids = sorted(mine.values_list("pk", flat=True))
            went = [pk for pk in ids if pk in done]
            sent += mine.filter(pk__in=went).update(status=RecipientStatus.SENT, sent_at=now)
            first = [pk for pk in ids if pk not in done][:1]
            unknown += mine.filter(pk__in=first).update(
                status=RecipientStatus.UNKNOWN, skip_reason="worker_died"
            )
            requeued += mine.update(status=RecipientStatus.QUEUED, claimed_by="")
    ours = journal_path(campaign.pk, identity)
    for path in ours.parent.glob(f"{campaign.pk}-*.sent"):
        if path != ours:
            path.unlink(missing_ok=True)
    return sent, unknown, requeued
