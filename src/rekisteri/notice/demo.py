"""Demo hook: make sure the privacy notice of the demo catalogue is published."""

from __future__ import annotations

from typing import Any

from rekisteri.audit.services import Actor
from rekisteri.notice.selectors import notice_current
from rekisteri.notice.services import notice_version_sync


def load(*, stdout: Any) -> None:
    notice_version_sync(actor=Actor("demo"))
    current = notice_current()
    if current is not None:
        stdout.write(
            f"privacy notice: version {current.number} of {current.published_at:%Y-%m-%d} "
            "at /privacy/ (fi, sv, en)"
        )
