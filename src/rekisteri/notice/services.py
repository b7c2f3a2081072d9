"""Publishing the privacy notice: a new dated version whenever the catalogue changes it.

`notice_version_sync` is called at the end of catalogue.services.catalogue_load, inside its
transaction: a catalogue that lacks something the notice needs is refused as a whole (the
notice and the processing come from the same file and cannot disagree), and a catalogue
that changes what the notice says makes a new version with its change log.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import audit_record
from rekisteri.catalogue.models import CatalogueVersion
from rekisteri.catalogue.schema import LANGS, CatalogueError, CatalogueIssue
from rekisteri.notice.content import (
    changed_purposes,
    content_diff,
    content_digest,
    content_problems,
)
from rekisteri.notice.models import NoticeVersion
from rekisteri.notice.render import notice_document, to_html
from rekisteri.notice.selectors import version_content


@transaction.atomic
def notice_version_sync(
    *, actor: Any, catalogue_version: CatalogueVersion | None = None
) -> NoticeVersion | None:
    """Publish a new notice version if the catalogue changed the notice; None if it did not."""
    cv = catalogue_version or CatalogueVersion.objects.order_by("-id").first()
    if cv is None:
        return None
    content = version_content(cv)
    problems = content_problems(content)
    if problems:
        raise CatalogueError(
            [CatalogueIssue(p.split(":", 1)[0], None, p.split(":", 1)[1].strip()) for p in problems]
        )
    digest = content_digest(content)
    last = NoticeVersion.objects.select_for_update().order_by("-number").first()
    if last is not None and last.digest == digest:
        return None
    changes = content_diff(last.content, content) if last is not None else []
    number = (last.number + 1) if last is not None else 1
    now = timezone.now()
    html = {
        lang: to_html(
            notice_document(
                content, lang, published=timezone.localdate(now), number=number, changes=changes
            )
        )
        for lang in LANGS
    }
    actor_name = getattr(actor, "name", None) or getattr(actor, "username", None) or str(actor)
    version = NoticeVersion.objects.create(
        number=number,
        catalogue_version=cv,
        published_at=now,
        digest=digest,
        content=content,
        changes=changes,
        changed_purposes=changed_purposes(changes, last.content, content) if last else [],
        html=html,
        published_by=actor_name[:150],
    )
    audit_record(
        actor=actor,
        action=AuditAction.CATALOGUE,
        record=f"notice.NoticeVersion:{version.pk}",
        reason=f"privacy notice version {number} published",
        detail={"changes": len(changes), "catalogue_version": cv.pk},
    )
    return version
