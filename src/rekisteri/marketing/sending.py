"""Sending a campaign: prepare once, send at a set rate, resume after a crash.

Design (as healthchecks' sendalerts, the database is the queue):
- `campaign_prepare` computes the audience in SQL and writes one CampaignRecipient row per
  included person with INSERT … SELECT, freezing the address, language, whether the
  message may be tracked, and an opaque token for unsubscribe and tracking links.
- `campaign_send` takes the campaign with a conditional UPDATE (one live worker per
  campaign, with a heartbeat), claims rows in batches with a conditional UPDATE
  (queued -> claimed by this run), re-checks each batch against the rules engine and the
  suppression list, sends them over one SMTP connection, and records `sent`.
- A crash (an exception, Ctrl-C) records every message that went out and puts the claimed
  rest back in the queue, so a restart sends each remaining message exactly once. If the
  process dies without running its `finally` (power loss), rows it had claimed may or may
  not have gone out; they become `unknown` and are NOT resent: nobody gets a message twice.
"""

from __future__ import annotations

import contextlib
import html
import re
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.header import Header
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.consent.models import ControllerMarketingSettings, Suppression
from rekisteri.consent.selectors import (
    ALLOWED_CODES,
    address_subquery,
    controller_settings,
    tracking_annotate,
)
from rekisteri.consent.suppression import digests_of
from rekisteri.marketing.audience import annotated, campaign_audience
from rekisteri.marketing.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    RecipientStatus,
)
from rekisteri.marketing.processing import (
    categories_of,
    purpose_of,
    require,
    require_own,
    service_purpose,
)
from rekisteri.register.models import Person, record_key

CLICK_SALT = "rekisteri.marketing.click"
URL_RE = re.compile(r"https?://[^\s<>\"')]+")


class CampaignBusy(RuntimeError):
    pass


# --- preparing ----------------------------------------------------------------------------


def _token_sql() -> str:
    if db.vendor == "postgresql":
        return "replace(gen_random_uuid()::text, '-', '')"
    return "lower(hex(randomblob(16)))"


def _audited(scope: Scope, campaign: Campaign, *labels: str) -> tuple[list[str], str]:
    """The categories a campaign's step touches and the purposes it serves: a marketing
    message, the scope's purposes covering direct marketing; a service message, the
    catalogue's contract purposes covering the customer's contact details (it goes out
    whatever the person said about marketing, so it must never borrow marketing's purpose).
    Checked before anything is written: a catalogue without such a purpose refuses."""
    require(scope, Cap.SEND_DIRECT_MARKETING)
    require_own(scope, campaign.controller_id)
    if campaign.is_service:
        categories = categories_of(
            "register.ContactPoint.value", "register.Person.relationship_ended_on"
        )
        return categories, service_purpose(categories)
    categories = categories_of("register.ContactPoint.value", *labels)
    return categories, purpose_of(scope, Cap.SEND_DIRECT_MARKETING, categories)


def campaign_prepare(*, actor: Actor, scope: Scope, campaign: Campaign) -> Campaign:
    """Freeze the audience into recipient rows (once; later calls do nothing)."""
    categories, purpose = _audited(scope, campaign, "consent.Consent.state")
    with transaction.atomic():
        taken = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
            status=CampaignStatus.QUEUED, updated_at=timezone.now()
        )
        campaign.refresh_from_db()
        if not taken:
            return campaign
        audience = campaign_audience(campaign)
        qs = annotated(campaign).filter(reason_code__in=ALLOWED_CODES)
        qs = tracking_annotate(
            qs, controller_id=campaign.controller_id, service=campaign.is_service
        )
        qs = qs.annotate(address=address_subquery("email")).order_by()
        sql, params = qs.values(
            pid=F("pk"), addr=F("address"), lang=F("language"), trk=F("tracked")
        ).query.sql_with_params()
        table = CampaignRecipient._meta.db_table
        with db.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, person_id, email, language, token, status, "  # noqa: S608
                "claimed_by, tracked, skip_reason) "
                f"SELECT %s, q.pid, q.addr, q.lang, {_token_sql()}, %s, '', q.trk, '' "
                f"FROM ({sql}) q",
                [campaign.pk, RecipientStatus.QUEUED, *params],
            )
        campaign.total = CampaignRecipient.objects.filter(campaign=campaign).count()
        campaign.excluded = audience.excluded
        campaign.save(update_fields=["total", "excluded", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            record=record_key(campaign),
            categories=categories,
            purpose=purpose,
            reason=f"{campaign.purpose} campaign queued",
            detail={"recipients": campaign.total, "excluded": audience.excluded},
        )
    return campaign


# --- the message ----------------------------------------------------------------------------


def _links(token: str) -> dict[str, str]:
    base = settings.BASE_URL
    return {
        "unsubscribe_url": f"{base}/m/u/{token}",
        "preferences_url": f"{base}/m/p/{token}",
        "pixel_url": f"{base}/m/o/{token}.gif",
    }


def click_url(token: str, url: str) -> str:
    return f"{settings.BASE_URL}/m/c/{token}/{signing.dumps(url, salt=CLICK_SALT, compress=True)}"


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _from_address(campaign: Campaign, cfg: ControllerMarketingSettings) -> str:
    return cfg.from_email or campaign.controller.email or settings.DEFAULT_FROM_EMAIL


def build_message(
    *,
    campaign: Campaign,
    recipient: CampaignRecipient,
    person: Person,
    conn: Any = None,
    cfg: ControllerMarketingSettings | None = None,
) -> EmailMultiAlternatives:
    lang = recipient.language if recipient.language in ("fi", "sv", "en") else "fi"
    links = _links(recipient.token)
    values = {"first_name": person.first_name, "last_name": person.last_name, **links}
    subject = _fill(campaign.subject_for(lang), values)
    body = _fill(campaign.body_for(lang), values)
    marketing = not campaign.is_service
    cfg = cfg or controller_settings(campaign.controller_id)
    sender = _from_address(campaign, cfg)
    with translation.override(lang):
        if marketing:
            footer = "\n\n-- \n{}\n{}\n{}\n{}".format(
                _("You receive this because of your business relationship with %(c)s.")
                % {"c": campaign.controller.name},
                _("Unsubscribe: %(url)s") % {"url": links["unsubscribe_url"]},
                _("Choose what you receive: %(url)s") % {"url": links["preferences_url"]},
                _("Privacy notice: %(url)s") % {"url": f"{settings.BASE_URL}/privacy/"},
            )
        else:
            footer = "\n\n-- \n{}\n{}".format(
                _("This is a service message about your customer relationship with %(c)s.")
                % {"c": campaign.controller.name},
                _("Privacy notice: %(url)s") % {"url": f"{settings.BASE_URL}/privacy/"},
            )
    text = body + footer
    tracked = marketing and recipient.tracked
    protected = {links["unsubscribe_url"], links["preferences_url"]}

    def link(url: str) -> str:
        href = url
        if tracked and cfg.click_tracking and url not in protected:
            href = click_url(recipient.token, url)
        return f'<a href="{html.escape(href)}">{html.escape(url)}</a>'

    parts = [f"<p>{_linkify(para, link)}</p>" for para in text.split("\n\n")]
    if tracked and cfg.open_tracking:
        parts.append(f'<img src="{links["pixel_url"]}" width="1" height="1" alt="">')
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "localhost"
    # Unique per message and cheap; it also ties a bounce to its message.
    headers = {"Message-ID": f"<{recipient.token}.{campaign.pk}@{domain}>"}
    if marketing:
        headers["List-Unsubscribe"] = (
            f"<{links['unsubscribe_url']}>, "
            f"<mailto:unsubscribe+{recipient.token}@{domain}?subject=unsubscribe>"
        )
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Precedence"] = "bulk"
    msg = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[recipient.email],
        headers=headers,
        connection=conn,
    )
    msg.attach_alternative(
        f'<!doctype html><html lang="{lang}"><body>{"".join(parts)}</body></html>', "text/html"
    )
    return msg


class MessageFactory:
    """Messages of one campaign as bytes, fast: one rendered skeleton per language.

    Building a MIME message with the email package costs more than sending it. The skeleton
    is built once by `build_message` with marker values (ASCII, so they pass through as is
    in the 8-bit bodies), and each recipient's message is the skeleton with the markers
    replaced. A skeleton the email package had to encode (very long lines) is not used:
    those messages are built one by one.
    """

    TOKEN = "rkmarkertokenrkmarkertoken00000"
    RCPT = "rk-marker-rcpt@marker.invalid"
    FIRST = "RKMARKERFIRST"
    LAST = "RKMARKERLAST"
    SUBJECT = "RKMARKERSUBJECT"

    def __init__(self, campaign: Campaign, cfg: ControllerMarketingSettings) -> None:
        self.campaign = campaign
        self.cfg = cfg
        self.sender = _from_address(campaign, cfg)
        self._skeletons: dict[tuple[str, bool], tuple[bytes, bytes] | None] = {}

    def _skeleton(self, lang: str, tracked: bool) -> tuple[bytes, bytes] | None:
        key = (lang, tracked)
        if key not in self._skeletons:
            fake = SimpleNamespace(
                token=self.TOKEN, email=self.RCPT, language=lang, tracked=tracked
            )
            person = SimpleNamespace(first_name=self.FIRST, last_name=self.LAST)
            msg = build_message(campaign=self.campaign, recipient=fake, person=person, cfg=self.cfg)  # type: ignore[arg-type]
            msg.subject = self.SUBJECT
            raw = msg.message().as_bytes(linesep="\r\n")
            cut = raw.find(b"Content-Type: text/html")
            if cut < 0 or b"quoted-printable" in raw or b"Content-Transfer-Encoding: base64" in raw:
                self._skeletons[key] = None
            else:
                self._skeletons[key] = (raw[:cut], raw[cut:])
        return self._skeletons[key]

    def render(self, row: CampaignRecipient, person: Person) -> bytes | None:
        lang = row.language if row.language in ("fi", "sv", "en") else "fi"
        skeleton = self._skeleton(lang, row.tracked)
        if skeleton is None or not row.email.isascii():
            return None
        text, html_part = skeleton
        first, last = person.first_name, person.last_name
        values = {"first_name": first, "last_name": last, **_links(row.token)}
        subject = _fill(self.campaign.subject_for(lang), values)
        if not subject.isascii() or len(subject) > 70:
            subject = Header(subject, "utf-8", header_name="Subject").encode()
        token, email = row.token.encode(), row.email.encode()
        text = (
            text.replace(self.TOKEN.encode(), token)
            .replace(self.RCPT.encode(), email)
            .replace(self.SUBJECT.encode(), subject.encode())
            .replace(self.FIRST.encode(), first.encode())
            .replace(self.LAST.encode(), last.encode())
        )
        html_part = (
            html_part.replace(self.TOKEN.encode(), token)
            .replace(self.FIRST.encode(), html.escape(first).encode())
            .replace(self.LAST.encode(), html.escape(last).encode())
        )
        return text + html_part


def _linkify(text: str, link: Callable[[str], str]) -> str:
    """Escape text for HTML and turn its URLs into links (through `link`)."""
    out, pos = [], 0
    for match in URL_RE.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        out.append(link(match.group(0)))
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


# --- sending -------------------------------------------------------------------------------


def _sendmail(conn: Any, sender: str, to: str, data: bytes) -> None:
    """One message over the backend's open connection, reconnecting once if it dropped."""
    try:
        conn.connection.sendmail(sender, [to], data)
    except smtplib.SMTPServerDisconnected:
        conn.close()
        conn.open()
        conn.connection.sendmail(sender, [to], data)


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unknown: int = 0
    remaining: int = 0


def _take(campaign: Campaign, run: str, lease: int) -> bool:
    now = timezone.now()
    return bool(
        Campaign.objects.filter(
            Q(worker="") | Q(heartbeat_at__lt=now - timedelta(seconds=lease)) | Q(worker=run),
            pk=campaign.pk,
            status__in=(CampaignStatus.QUEUED, CampaignStatus.SENDING),
        ).update(
            worker=run,
            heartbeat_at=now,
            status=CampaignStatus.SENDING,
            started_at=campaign.started_at or now,
            updated_at=now,
        )
    )


def _recheck(campaign: Campaign, rows: list[CampaignRecipient]) -> dict[int, str]:
    """Why each row may no longer be sent (changes since the campaign was prepared)."""
    person_ids = [r.person_id for r in rows]
    codes = dict(annotated(campaign).filter(pk__in=person_ids).values_list("pk", "reason_code"))
    skip = {r.pk: codes.get(r.person_id, "erased") for r in rows}
    skip = {pk: code for pk, code in skip.items() if code not in ALLOWED_CODES}
    if not campaign.is_service:
        # Checked at every send: the exact address against the suppression list.
        digests = digests_of("email", [r.email for r in rows])
        known = set(Suppression.objects.filter(digest__in=digests).values_list("digest", flat=True))
        for row, digest in zip(rows, digests, strict=True):
            if digest in known:
                skip.setdefault(row.pk, "suppressed")
    return skip


def campaign_send(
    *,
    actor: Actor,
    scope: Scope,
    campaign: Campaign,
    rate: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_sent: Callable[[CampaignRecipient], None] | None = None,
    batch_size: int = 200,
    lease_seconds: int = 120,
) -> SendReport:
    """Send (or resume) a campaign; returns what happened in this run."""
    categories, purpose = _audited(scope, campaign, "marketing.CampaignRecipient.sent_at")
    if campaign.status == CampaignStatus.DRAFT:
        campaign_prepare(actor=actor, scope=scope, campaign=campaign)
    campaign.refresh_from_db()
    report = SendReport()
    if campaign.status == CampaignStatus.SENT:
        return report
    run = uuid.uuid4().hex
    if not _take(campaign, run, lease_seconds):
        raise CampaignBusy(f"campaign {campaign.pk} is being sent by another worker")
    rows_qs = CampaignRecipient.objects.filter(campaign=campaign)
    # Claimed by a run that died without cleaning up: maybe sent, so never resent.
    report.unknown = (
        rows_qs.filter(status=RecipientStatus.CLAIMED)
        .exclude(claimed_by=run)
        .update(status=RecipientStatus.UNKNOWN)
    )
    rate = campaign.rate if rate is None else rate
    interval = 1.0 / rate if rate and rate > 0 else 0.0
    conn = get_connection(fail_silently=False)
    # Raw bytes go straight to an SMTP session; any other backend (the console, a file, the
    # test outbox) is given whole messages.
    raw_smtp = hasattr(conn, "connection")
    cfg = controller_settings(campaign.controller_id)
    campaign.controller  # noqa: B018 - fetched once, used by every message
    factory = MessageFactory(campaign, cfg)
    sent_ids: list[int] = []
    next_at = time.monotonic()

    flushed_at = [time.monotonic()]

    def flush() -> None:
        flushed_at[0] = time.monotonic()
        if sent_ids:
            now = timezone.now()
            with transaction.atomic():
                rows_qs.filter(pk__in=sent_ids, claimed_by=run).update(
                    status=RecipientStatus.SENT, sent_at=now
                )
                Campaign.objects.filter(pk=campaign.pk).update(
                    sent_count=F("sent_count") + len(sent_ids), heartbeat_at=now
                )
            report.sent += len(sent_ids)
            sent_ids.clear()

    try:
        conn.open()
        while True:
            ids = list(
                rows_qs.filter(status=RecipientStatus.QUEUED)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            rows_qs.filter(pk__in=ids, status=RecipientStatus.QUEUED).update(
                status=RecipientStatus.CLAIMED, claimed_by=run
            )
            rows = list(
                rows_qs.filter(claimed_by=run, status=RecipientStatus.CLAIMED)
                .select_related("person")
                .order_by("pk")
            )
            skip = _recheck(campaign, rows)
            for code in set(skip.values()):
                n = rows_qs.filter(pk__in=[k for k, v in skip.items() if v == code]).update(
                    status=RecipientStatus.SKIPPED, skip_reason=code[:20]
                )
                report.skipped += n
            for row in rows:
                if row.pk in skip:
                    if progress:
                        progress(1)
                    continue
                if interval:
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    next_at = max(next_at, time.monotonic() - 1.0) + interval
                data = factory.render(row, row.person) if raw_smtp else None
                try:
                    if data is None:
                        conn.send_messages(
                            [
                                build_message(
                                    campaign=campaign, recipient=row, person=row.person, cfg=cfg
                                )
                            ]
                        )
                    else:
                        _sendmail(conn, factory.sender, row.email, data)
                except smtplib.SMTPRecipientsRefused:
                    rows_qs.filter(pk=row.pk).update(
                        status=RecipientStatus.FAILED, skip_reason="refused"
                    )
                    report.failed += 1
                    continue
                sent_ids.append(row.pk)
                if progress:
                    progress(1)
                if on_sent:
                    on_sent(row)
                if len(sent_ids) >= 200 or time.monotonic() - flushed_at[0] > 1.0:
                    flush()
            flush()
    finally:
        flush()
        rows_qs.filter(claimed_by=run, status=RecipientStatus.CLAIMED).update(
            status=RecipientStatus.QUEUED, claimed_by=""
        )
        with contextlib.suppress(Exception):  # closing a broken connection
            conn.close()
        report.remaining = rows_qs.filter(status=RecipientStatus.QUEUED).count()
        done = report.remaining == 0
        now = timezone.now()
        Campaign.objects.filter(pk=campaign.pk, worker=run).update(
            worker="",
            status=CampaignStatus.SENT if done else CampaignStatus.SENDING,
            finished_at=now if done else None,
            sent_count=rows_qs.filter(status=RecipientStatus.SENT).count(),
            updated_at=now,
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.MARKETING,
            record=record_key(campaign),
            categories=categories,
            purpose=purpose,
            reason=f"{campaign.purpose} campaign sent",
            detail={
                "sent": report.sent,
                "skipped": report.skipped,
                "failed": report.failed,
                "unknown": report.unknown,
                "remaining": report.remaining,
            },
        )
    campaign.refresh_from_db()
    return report
