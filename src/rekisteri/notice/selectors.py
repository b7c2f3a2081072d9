"""Reads of the privacy notice: the current text, earlier versions, and who to tell."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from rekisteri.catalogue.models import CatalogueVersion
from rekisteri.catalogue.schema import LANGS
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.notice.content import notice_content
from rekisteri.notice.models import NoticeVersion
from rekisteri.notice.render import notice_document, to_html, to_markdown


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "en"


def version_content(cv: CatalogueVersion) -> dict[str, Any]:
    """The notice content of a loaded version, from its typed catalogue (never reparsed)."""
    catalogue = catalogue_snapshot(cv.pk).catalogue
    assert catalogue is not None  # a loaded version's snapshot always holds it
    return notice_content(catalogue)


def notice_current() -> NoticeVersion | None:
    return NoticeVersion.objects.order_by("-number").first()


def notice_versions() -> QuerySet[NoticeVersion]:
    return NoticeVersion.objects.order_by("-number")


def notice_version_get(*, number: int) -> NoticeVersion:
    return NoticeVersion.objects.get(number=number)


def notice_render(
    *, lang: str, fmt: str = "html", number: int | None = None, base_url: str = ""
) -> str:
    """The notice of one version (default the current one) in HTML or Markdown.

    Without a published version (the catalogue was loaded before the notice app was), the
    current catalogue is rendered as an unpublished draft, numbered 0.
    """
    lang = _lang(lang)
    version = notice_version_get(number=number) if number else notice_current()
    if version is not None:
        content, changes, num = version.content, version.changes, version.number
        day = timezone.localdate(version.published_at)
        if fmt == "html" and not base_url and version.html.get(lang):
            return version.html[lang]
    else:
        cv = CatalogueVersion.objects.order_by("-id").first()
        if cv is None:
            return ""
        content, changes, num, day = version_content(cv), [], 0, timezone.localdate()
    doc = notice_document(
        content,
        lang,
        published=day,
        number=num,
        changes=changes,
        self_service_url=(base_url or "") + "/",
    )
    return to_html(doc) if fmt == "html" else to_markdown(doc)


def notice_html(*, lang: str) -> str:
    """The current privacy notice, as an HTML fragment (the access package includes it)."""
    return notice_render(lang=lang, fmt="html")


def notice_markdown(*, lang: str, number: int | None = None) -> str:
    return notice_render(lang=lang, fmt="md", number=number, base_url=settings.BASE_URL)


def persons_to_notify(
    *, version: NoticeVersion, controller_ids: Any = None
) -> list[dict[str, Any]]:
    """People whose current consent rests on a purpose this version changed.

    Consent lives in rekisteri.consent (its Consent rows: purpose, state, superseded_at).
    Returns [{"person_id", "purposes"}].
    """
    from rekisteri.consent.models import Consent

    if not version.changed_purposes:
        return []
    qs = Consent.objects.filter(
        purpose__in=version.changed_purposes, state="granted", superseded_at__isnull=True
    )
    if controller_ids is not None:
        qs = qs.filter(person__controller_id__in=controller_ids)
    out: dict[int, set[str]] = {}
    for person_id, purpose in qs.values_list("person_id", "purpose").iterator():
        out.setdefault(person_id, set()).add(purpose)
    return [{"person_id": pid, "purposes": sorted(p)} for pid, p in sorted(out.items())]


def ropa_export(*, fmt: str, lang: str = "en") -> tuple[bytes, str, str]:
    """The Art. 30 record of the current catalogue: (body, content type, file name)."""
    from rekisteri.notice.ropa import ropa_csv, ropa_json, ropa_rows, ropa_xlsx

    cv = CatalogueVersion.objects.order_by("-id").first()
    if cv is None:
        raise LookupError("no catalogue is loaded")
    lang = _lang(lang)
    rows = ropa_rows(version_content(cv), lang)
    stem = f"record-of-processing-{cv.version}"
    if fmt == "csv":
        return ropa_csv(rows, lang), "text/csv; charset=utf-8", f"{stem}.csv"
    if fmt == "xlsx":
        return (
            ropa_xlsx(rows, lang=lang),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    if fmt == "json":
        meta = {"catalogue_version": cv.version, "generated_at": timezone.now().isoformat()}
        return ropa_json(rows, meta=meta, lang=lang), "application/json", f"{stem}.json"
    raise ValueError(f"format must be csv, xlsx or json, not {fmt!r}")


def ropa_table(*, lang: str = "en") -> list[dict[str, str]]:
    from rekisteri.notice.ropa import ropa_rows

    cv = CatalogueVersion.objects.order_by("-id").first()
    return ropa_rows(version_content(cv), _lang(lang)) if cv else []
