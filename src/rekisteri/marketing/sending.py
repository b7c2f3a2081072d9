"""Sending a campaign: prepare once, send at a set rate, resume after a crash.

Design (as healthchecks' sendalerts, the database is the queue):
- `campaign_prepare` computes the audience in SQL and writes one CampaignRecipient row per
  included person with INSERT … SELECT, freezing the address, language, whether the
  message may be tracked, and an opaque token for unsubscribe and tracking links.
- `campaign_send` takes the campaign with a conditional UPDATE (one live worker per
  campaign, named by its process identity, with a heartbeat), claims small batches with a
  conditional UPDATE (queued -> claimed by this run), re-checks each batch against the
  rules engine and the suppression list, sends the rows one by one in id order over one
  SMTP connection, and records each outcome as soon as the peer answered — `sent` only
  after the peer accepted the message.
- A crash (an exception, Ctrl-C) puts the claimed rows it never tried back in the queue.
- A worker killed outright (kill -9, power loss) leaves its claimed rows behind. The next
  run recognises the dead worker at once when it ran on the same host (its process is
  gone) and otherwise after the lease; of the dead run's claimed rows only the first can
  have reached the peer unrecorded: it becomes `unknown` and is never resent; the others go
  back to the queue. So nobody gets a message twice and nobody is left out silently:
  every recipient ends `sent`, `skipped`, `failed` or `unknown` (docs/marketing.md).
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
from email.header import Header
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import connection as db
from django.db import transaction
from django.db.models import F
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
from rekisteri.marketing.recovery import Journal, lease_take, recover, worker_identity
from rekisteri.register.inputs import CONTROL_CHARACTER
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


def one_line(text: str) -> str:
    """The text with each control character (CR, LF, NUL, …) replaced by a space.

    The second line of defence against header injection: input refuses control characters
    (register.inputs), but a value written some other way (the shell, an old import, a
    restored backup) must still never start a header line of its own in a message."""
    return CONTROL_CHARACTER.sub(" ", text)


def _names(person: Person) -> tuple[str, str]:
    return one_line(person.first_name), one_line(person.last_name)


def _from_address(campaign: Campaign, cfg: ControllerMarketingSettings) -> str:
    sender = cfg.from_email or campaign.controller.email or settings.DEFAULT_FROM_EMAIL
    if CONTROL_CHARACTER.search(sender):
        raise ValueError("the sender address contains a control character")
    return sender


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
    first, last = _names(person)
    values = {"first_name": first, "last_name": last, **links}
    subject = one_line(_fill(campaign.subject_for(lang), values))
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
        if skeleton is None or not row.email.isascii() or CONTROL_CHARACTER.search(row.email):
            return None
        text, html_part = skeleton
        first, last = _names(person)
        values = {"first_name": first, "last_name": last, **_links(row.token)}
        subject = one_line(_fill(self.campaign.subject_for(lang), values))
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


# --- one message over SMTP ----------------------------------------------------------------------


def _reopen(conn: Any) -> None:
    with contextlib.suppress(Exception):
        conn.close()
    conn.open()


class Deferred(smtplib.SMTPResponseException):
    """The peer answered "try again later" to the message: not accepted; the run stops and
    the row goes back to the queue for the next run."""


def _rset(smtp: Any) -> None:
    with contextlib.suppress(OSError):
        smtp.rset()


def _transmit(
    conn: Any, sender: str, to: str, data: bytes, on_data: Callable[[], None]
) -> tuple[str, str]:
    """One SMTP transaction on the backend's connection: (recipient status, reason).

    Until the message itself is on its way nothing can have been delivered, so a dropped
    connection is retried once on a new one. Once it is on its way (`on_data` is called just
    before), a dropped connection leaves it `unknown`: the peer may have accepted it."""
    for attempt in (1, 2):
        smtp = conn.connection
        try:
            smtp.ehlo_or_helo_if_needed()
            options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
            code, resp = smtp.mail(sender, options)
            if code != 250:
                _rset(smtp)
                raise smtplib.SMTPSenderRefused(code, resp, sender)
            code, resp = smtp.rcpt(to)
            if code not in (250, 251):
                _rset(smtp)
                return RecipientStatus.FAILED, "refused" if code >= 500 else "deferred"
        except smtplib.SMTPResponseException:
            raise
        except OSError:  # disconnected, timed out, reset
            if attempt == 2:
                raise
            _reopen(conn)
            continue
        on_data()
        try:
            code, resp = smtp.data(data)
        except smtplib.SMTPDataError as exc:  # the DATA command itself refused: nothing sent
            _rset(smtp)
            if exc.smtp_code >= 500:
                return RecipientStatus.FAILED, "refused"
            raise Deferred(exc.smtp_code, exc.smtp_error) from None
        except OSError:
            with contextlib.suppress(Exception):
                _reopen(conn)
            return RecipientStatus.UNKNOWN, "connection_lost"
        if code == 250:
            return RecipientStatus.SENT, ""
        _rset(smtp)
        if code >= 500:
            return RecipientStatus.FAILED, "refused"
        raise Deferred(code, resp)
    raise AssertionError("unreachable")


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    # Set unknown by this run: what a dead run may have delivered, and a message whose
    # connection broke after it was on its way. Never resent.
    unknown: int = 0
    # What a dead run had claimed but never tried, put back in the queue and sent now.
    requeued: int = 0
    remaining: int = 0


def _recheck(campaign: Campaign, rows: list[CampaignRecipient]) -> dict[int, str]:
    """Why each row may no longer be sent (changes since the campaign was prepared)."""
    person_ids = [r.person_id for r in rows]
    codes = dict(annotated(campaign, only=person_ids).values_list("pk", "reason_code"))
    skip = {r.pk: codes.get(r.person_id, "erased") for r in rows}
    skip = {pk: code for pk, code in skip.items() if code not in ALLOWED_CODES}
    for row in rows:
        if CONTROL_CHARACTER.search(row.email):
            skip[row.pk] = "bad_address"  # never written into a header
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
    batch_size: int = 100,
    lease_seconds: int = 120,
) -> SendReport:
    """Send (or resume) a campaign; returns what happened in this run.

    Safe to call again and again (a job runner may): a sent campaign returns at once, one
    that a live worker holds raises CampaignBusy, anything else resumes where the last run
    stopped (marketing/recovery.py). A message counts as sent only once the peer accepted it.
    """
    categories, purpose = _audited(scope, campaign, "marketing.CampaignRecipient.sent_at")
    if campaign.status == CampaignStatus.DRAFT:
        campaign_prepare(actor=actor, scope=scope, campaign=campaign)
    campaign.refresh_from_db()
    report = SendReport()
    if campaign.status == CampaignStatus.SENT:
        return report
    rate = campaign.rate if rate is None else rate
    interval = 1.0 / rate if rate and rate > 0 else 0.0
    conn = get_connection(fail_silently=False)
    # Raw bytes go straight to an SMTP session; any other backend (the console, a file, the
    # test outbox) is given whole messages.
    raw_smtp = hasattr(conn, "connection")
    cfg = controller_settings(campaign.controller_id)
    campaign.controller  # noqa: B018 - fetched once, used by every message
    factory = MessageFactory(campaign, cfg)
    identity = worker_identity(uuid.uuid4().hex[:8])
    journal = Journal(campaign.pk, identity)  # before the lease: nothing to undo if it fails
    if not lease_take(campaign, identity, lease_seconds):
        journal.close(remove=True)
        raise CampaignBusy(f"campaign {campaign.pk} is being sent by another worker")
    rows_qs = CampaignRecipient.objects.filter(campaign=campaign)
    recovered = 0
    next_at = time.monotonic()
    flushed_at = time.monotonic()
    accepted: list[int] = []  # in the journal, not yet in the database
    in_flight: list[CampaignRecipient] = []
    lost = False

    def mine(*pks: int) -> Any:
        return rows_qs.filter(pk__in=pks, claimed_by=identity, status=RecipientStatus.CLAIMED)

    def flush() -> bool:
        """Bring the database level with the journal; False if another run took over."""
        nonlocal flushed_at
        flushed_at = time.monotonic()
        now = timezone.now()
        with transaction.atomic():
            done = mine(*accepted).update(status=RecipientStatus.SENT, sent_at=now)
            alive = Campaign.objects.filter(pk=campaign.pk, worker=identity).update(
                heartbeat_at=now, sent_count=F("sent_count") + done
            )
        ok = alive == 1 and done == len(accepted)
        accepted.clear()
        journal.clear()  # all of it is in the database now
        return ok

    def deliver(row: CampaignRecipient) -> tuple[str, str]:
        if not raw_smtp:
            msg = build_message(campaign=campaign, recipient=row, person=row.person, cfg=cfg)
            try:
                conn.send_messages([msg])
            except smtplib.SMTPRecipientsRefused:
                return RecipientStatus.FAILED, "refused"
            return RecipientStatus.SENT, ""
        data = factory.render(row, row.person)
        to = row.email
        if data is None:
            msg = build_message(campaign=campaign, recipient=row, person=row.person, cfg=cfg)
            try:
                to = sanitize_address(row.email, msg.encoding or settings.DEFAULT_CHARSET)
            except ValueError:
                return RecipientStatus.FAILED, "bad_address"
            data = msg.message().as_bytes(linesep="\r\n")
        return _transmit(conn, factory.sender, to, data, on_data=lambda: in_flight.append(row))

    try:
        recovered, report.unknown, report.requeued = recover(campaign, rows_qs, identity)
        conn.open()
        while not lost:
            ids = list(
                rows_qs.filter(status=RecipientStatus.QUEUED)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            rows_qs.filter(pk__in=ids, status=RecipientStatus.QUEUED).update(
                status=RecipientStatus.CLAIMED, claimed_by=identity
            )
            rows = list(
                rows_qs.filter(claimed_by=identity, status=RecipientStatus.CLAIMED)
                .select_related("person")
                .order_by("pk")
            )
            skip = _recheck(campaign, rows)
            for code in set(skip.values()):
                n = mine(*[k for k, v in skip.items() if v == code]).update(
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
                try:
                    status, reason = deliver(row)
                except Deferred:
                    in_flight.clear()  # the peer answered: not accepted, back to the queue
                    raise
                if status == RecipientStatus.SENT:
                    journal.add(row.pk)  # first: from here on a killed run knows it went out
                    in_flight.clear()
                    accepted.append(row.pk)
                    report.sent += 1
                else:
                    in_flight.clear()
                    # Rare: recorded at once, so that the order of outcomes stays exact.
                    if not mine(row.pk).update(status=status, skip_reason=reason):
                        lost = True
                        break
                    if status == RecipientStatus.FAILED:
                        report.failed += 1
                    else:
                        report.unknown += 1
                if progress:
                    progress(1)
                if on_sent and status == RecipientStatus.SENT:
                    on_sent(row)
                if time.monotonic() - flushed_at > 1.0 and not flush():
                    lost = True
                    break
            if not lost and not flush():
                lost = True
    finally:
        # Interrupted while a message was on its way: it may have arrived.
        for row in in_flight:
            with contextlib.suppress(Exception):
                mine(row.pk).update(status=RecipientStatus.UNKNOWN, skip_reason="interrupted")
        with contextlib.suppress(Exception):
            if accepted:
                flush()
        try:
            # What this run claimed and never tried goes back to the queue. Never what went
            # out or may have: if recording it failed, it stays claimed with the journal
            # kept, for the next run to settle.
            held = [*accepted, *(row.pk for row in in_flight)]
            rows_qs.filter(claimed_by=identity, status=RecipientStatus.CLAIMED).exclude(
                pk__in=held
            ).update(status=RecipientStatus.QUEUED, claimed_by="")
            with contextlib.suppress(Exception):  # closing a broken connection
                conn.close()
            report.remaining = rows_qs.filter(status=RecipientStatus.QUEUED).count()
            done = not rows_qs.filter(
                status__in=(RecipientStatus.QUEUED, RecipientStatus.CLAIMED)
            ).exists()
            now = timezone.now()
            Campaign.objects.filter(pk=campaign.pk, worker=identity).update(
                worker="",
                status=CampaignStatus.SENT if done else CampaignStatus.SENDING,
                finished_at=now if done else None,
                sent_count=rows_qs.filter(status=RecipientStatus.SENT).count(),
                heartbeat_at=now,
                updated_at=now,
            )
        finally:
            journal.close(remove=not accepted)
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
                "requeued": report.requeued,
                "recovered_sent": recovered,
                "remaining": report.remaining,
            },
        )
    campaign.refresh_from_db()
    if lost:
        raise CampaignBusy(f"campaign {campaign.pk}: another worker took over")
    return report
