"""Bounces: delivery status notifications (RFC 3464) from a mailbox or a webhook.

A DSN is a multipart/report message with a message/delivery-status part holding one block
per recipient (Final-Recipient, Action, Status, Diagnostic-Code). `failed` with a 5.x.x
status is a hard bounce: the address is marked undeliverable (ContactPoint.undeliverable_at)
and every later audience leaves it out under "bounced". 4.x.x or `delayed` is soft: only
recorded. The returned headers (or the text/rfc822-headers part) carry our unsubscribe
token, which ties the bounce to the campaign message.

The same mailbox (or webhook) also takes the mails that people send to the `mailto:` of a
message's List-Unsubscribe header, `unsubscribe+TOKEN@sender-domain`: a mail to such an
address unsubscribes the recipient of that message exactly as the one-click link does.
"""

from __future__ import annotations

import json
import mailbox
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.marketing.models import Bounce, BounceKind, CampaignRecipient
from rekisteri.marketing.processing import (
    categories_of,
    purpose_of,
    system_actor,
    system_scope,
)
from rekisteri.register.inputs import CONTROL_CHARACTER
from rekisteri.register.models import ContactPoint

TOKEN_RE = re.compile(r"(?:unsubscribe\+|/m/u/)([0-9a-f]{32})")
UNSUBSCRIBE_TO_RE = re.compile(r"unsubscribe\+([0-9a-fA-F]{32})@")
#: Where the address a mail was delivered to can be read: the MTA's envelope headers first.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def bounce_scope(source: str) -> Scope:
    """The system scope of reading bounces and unsubscribe mails: a bounce is recorded for
    direct marketing, an unsubscribe mail is the person's objection (their right)."""
    return system_scope(
        f"bounces and unsubscribe mails from the {source}",
        Cap.SEND_DIRECT_MARKETING,
        Cap.HANDLE_RIGHTS_REQUESTS,
    )


@dataclass(frozen=True)
class DsnRecipient:
    email: str
    action: str
    status: str
    diagnostic: str
    token: str | None

    @property
    def kind(self) -> str | None:
        if self.action == "failed" and self.status.startswith("5"):
            return BounceKind.HARD
        if self.action in ("failed", "delayed"):
            return BounceKind.SOFT
        return None


@dataclass
class BounceResult:
    hard: int = 0
    soft: int = 0
    unmatched: int = 0
    ignored: int = 0
    unsubscribed: int = 0

    def add(self, other: BounceResult) -> None:
        self.hard += other.hard
        self.soft += other.soft
        self.unmatched += other.unmatched
        self.ignored += other.ignored
        self.unsubscribed += other.unsubscribed

    @property
    def handled(self) -> bool:
        return bool(self.hard or self.soft or self.unmatched or self.unsubscribed)


def _address(value: str) -> str:
    """The address of a recipient field ("rfc822; a@b.fi"); "" if it cannot be one."""
    value = (value or "").strip()
    if ";" in value:
        value = value.split(";", 1)[1]
    value = value.strip().strip("<>").lower()
    return "" if CONTROL_CHARACTER.search(value) else value


# The mail system's words, not a user's: recorded, with control characters (NUL, which
# PostgreSQL refuses in any text, and line breaks) as spaces.
def _text(value: object, limit: int) -> str:
    return " ".join(CONTROL_CHARACTER.sub(" ", str(value)).split())[:limit]


def _token(value: object) -> str | None:
    text = value.lower() if isinstance(value, str) else ""
    return text if re.fullmatch(r"[0-9a-f]{32}", text) else None


def parse_dsn(raw: bytes | Message) -> list[DsnRecipient]:
    """The per-recipient blocks of a DSN; [] if the message is not one."""
    msg = raw if isinstance(raw, Message) else message_from_bytes(raw, policy=policy.compat32)
    if msg.get_content_type() != "multipart/report":
        return []
    token = None
    blocks: list[Message] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                blocks.extend(payload)
            else:
                text = part.get_payload(decode=True) or b""
                for chunk in re.split(rb"\r?\n\r?\n", text):
                    if chunk.strip():
                        blocks.append(message_from_bytes(chunk + b"\n", policy=policy.compat32))
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            text = part.as_string()
            found = TOKEN_RE.search(text)
            if found:
                token = found.group(1)
    out = []
    for block in blocks:
        recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
        if not recipient:
            continue
        out.append(
            DsnRecipient(
                email=_address(str(recipient)),
                action=_text(block.get("Action", ""), 20).lower(),
                status=_text(block.get("Status", ""), 12),
                diagnostic=_text(block.get("Diagnostic-Code", ""), 500),
                token=token,
            )
        )
    return out


def bounce_record(
    *, actor: Actor, scope: Scope, dsn: DsnRecipient, source: str, result: BounceResult
) -> None:
    kind = dsn.kind
    if kind is None:
        result.ignored += 1
        return
    categories = categories_of("register.ContactPoint.undeliverable_at")
    purpose = purpose_of(scope, Cap.SEND_DIRECT_MARKETING, categories)
    ours = CampaignRecipient.objects.filter(campaign__controller_id__in=scope.controller_ids)
    recipient = ours.filter(token=dsn.token).first() if dsn.token else None
    if recipient is None and dsn.email:
        recipient = ours.filter(email=dsn.email).order_by("-sent_at", "-pk").first()
    points = ContactPoint.objects.filter(
        kind="email", value=dsn.email or None, person__controller_id__in=scope.controller_ids
    )
    person_ids = set(points.values_list("person_id", flat=True))
    if recipient is None and not person_ids:
        result.unmatched += 1
        return
    now = timezone.now()
    with transaction.atomic():
        Bounce.objects.create(
            person_id=recipient.person_id if recipient else min(person_ids),
            recipient=recipient,
            kind=kind,
            status=dsn.status[:12],
            diagnostic=dsn.diagnostic,
            received_at=now,
            source=source[:20],
        )
        if kind == BounceKind.HARD:
            points.filter(undeliverable_at__isnull=True).update(
                undeliverable_at=now, updated_at=now
            )
            result.hard += 1
        else:
            result.soft += 1
        for person_id in sorted(person_ids) or [recipient.person_id]:  # type: ignore[union-attr]
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                person_id=person_id,
                categories=categories,
                fields=["undeliverable_at"] if kind == BounceKind.HARD else [],
                purpose=purpose,
                reason=f"{kind} bounce ({dsn.status[:12]}) from {source[:20]}",
            )


def unsubscribe_token(msg: Message) -> str | None:
    """The token of a mail sent to a List-Unsubscribe `mailto:` address, if it is one."""
    for header in RECIPIENT_HEADERS:
        for value in msg.get_all(header, []):
            found = UNSUBSCRIBE_TO_RE.search(str(value))
            if found:
                return found.group(1).lower()
    return None


def bounces_from_message(raw: bytes, *, scope: Scope, source: str) -> BounceResult:
    """A DSN records its bounces; a mail to `unsubscribe+TOKEN@…` unsubscribes; else ignored.

    `scope`: the system scope of the reading (`bounce_scope`)."""
    from rekisteri.consent.models import ConsentMethod
    from rekisteri.marketing.services import unsubscribe

    result = BounceResult()
    actor = system_actor(scope)
    msg = message_from_bytes(raw, policy=policy.compat32)
    dsns = parse_dsn(msg)
    for dsn in dsns:
        bounce_record(actor=actor, scope=scope, dsn=dsn, source=source, result=result)
    if dsns:
        return result
    token = unsubscribe_token(msg)
    if token is None:
        result.ignored += 1
    elif unsubscribe(
        scope=scope, token=token, ip=None, user_agent="email", method=ConsentMethod.EMAIL
    ):
        result.unsubscribed += 1
    else:
        result.unmatched += 1
    return result


def bounces_from_json(raw: bytes, *, scope: Scope, source: str) -> BounceResult:
    """Webhook body: {"recipient": "…", "status": "5.1.1", "action": "failed", "token": …}
    or a list of such objects."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"body: not JSON ({exc.msg})") from exc
    items = data if isinstance(data, list) else [data]
    result = BounceResult()
    actor = system_actor(scope)
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("recipient"):
            raise ValueError(f"item {i}: 'recipient' is required")
        dsn = DsnRecipient(
            email=_address(str(item["recipient"])),
            action=_text(item.get("action", "failed"), 20).lower(),
            status=_text(item.get("status", "5.0.0"), 12),
            diagnostic=_text(item.get("diagnostic", ""), 500),
            token=_token(item.get("token")),
        )
        bounce_record(actor=actor, scope=scope, dsn=dsn, source=source, result=result)
    return result


def bounces_from_mailbox(path: Path, *, scope: Scope, delete: bool = False) -> BounceResult:
    """Read every message of a Maildir (a directory) or an mbox file."""
    box: mailbox.Mailbox = (
        mailbox.Maildir(path, factory=None, create=False)
        if path.is_dir()
        else mailbox.mbox(path, create=False)
    )
    total = BounceResult()
    box.lock()
    try:
        for key in list(box.keys()):
            raw = box.get_bytes(key)
            part = bounces_from_message(raw, scope=scope, source="mailbox")
            total.add(part)
            if delete and part.handled:
                box.remove(key)
        box.flush()
    finally:
        box.unlock()
        box.close()
    return total
