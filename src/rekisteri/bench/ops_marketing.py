"""Campaign audience and sending beside their floors."""

from __future__ import annotations

import smtplib
import socket
import statistics
from typing import Any

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.db import connection

from rekisteri.bench.measure import Result, fill_bulk, peak_rss_mb, queries_of, timed
from rekisteri.bench.worker import Context, operation

BODY = (
    "Hei {first_name},\n\nkevään uutiset ovat täällä: https://example.fi/uutiset\n\n"
    "Tervetuloa myös seminaariimme https://example.fi/seminaari\n\nTerveisin\nEsimerkki Oy"
)


def _system() -> tuple[Any, Any]:
    from rekisteri.access.capabilities import Cap
    from rekisteri.marketing.processing import system_actor, system_scope

    scope = system_scope("rekisteri bench: marketing operations", Cap.SEND_DIRECT_MARKETING)
    return scope, system_actor(scope)


def _campaign(ctx: Context, name: str, lists: list[Any] | None = None) -> Any:
    from rekisteri.marketing.services import campaign_save

    scope, actor = _system()
    return campaign_save(
        actor=actor,
        scope=scope,
        controller=ctx.controller,
        lists=lists,
        data={
            "name": name,
            "subject_fi": "Uutiskirje",
            "subject_sv": "Nyhetsbrev",
            "subject_en": "Newsletter",
            "body_fi": BODY,
            "rate": 0,
        },
    )


# --- audience ----------------------------------------------------------------------------


def audience_floor_sql(b2b: bool, existing_customer: bool) -> str:
    """The rules engine's checks in its order, written by hand as one query: small sets as
    uncorrelated IN, one correlated lookup of the person's email addresses."""
    statements = (
        "SELECT person_id FROM consent_consent WHERE purpose = 'direct_marketing' "
        "AND channel IN ('email', 'all') AND mailing_list_id IS NULL AND superseded_at IS NULL AND state IN "
    )
    allow = [
        f"WHEN p.id IN ({statements}('granted')) THEN 'consent'",
        "WHEN p.id IN (SELECT person_id FROM marketing_subscription WHERE status = 'subscribed') THEN 'subscribed'",
    ]
    if b2b:
        allow.append(
            "WHEN p.is_consumer = %(f)s AND (p.is_contact_person = %(t)s OR EXISTS (SELECT 1 FROM "
            "register_affiliation a WHERE a.person_id = p.id AND a.\"end\" IS NULL)) THEN 'b2b'"
        )
    if existing_customer:
        allow.append(
            "WHEN p.is_consumer = %(t)s AND p.is_service_user = %(t)s THEN 'existing_customer'"
        )
    return f"""
        SELECT reason, COUNT(*) FROM (
          SELECT CASE
            WHEN p.restricted_since IS NOT NULL THEN 'restricted'
            WHEN p.id IN ({statements}('objected', 'withdrawn')) THEN 'objected'
            WHEN p.id IN (SELECT cp.person_id FROM consent_suppressedcontact s
                          JOIN register_contactpoint cp ON cp.id = s.contact_point_id
                          WHERE cp.kind IN ('email', 'phone')) THEN 'suppressed'
            ELSE CASE (SELECT MAX(CASE WHEN c.undeliverable_at IS NULL THEN 1 ELSE 0 END)
                       FROM register_contactpoint c WHERE c.person_id = p.id AND c.kind = 'email')
              WHEN 1 THEN CASE {" ".join(allow)} ELSE 'no_permission' END
              WHEN 0 THEN 'bounced'
              ELSE 'no_address' END
          END AS reason
          FROM register_person p WHERE p.controller_id = %(c)s
        ) q GROUP BY reason"""


@operation("campaign_audience", "<= 2 s for 1,000,000 persons, <= 1.5x floor")
def op_audience(ctx: Context, result: Result) -> Result:
    from rekisteri.consent.selectors import controller_settings
    from rekisteri.marketing.audience import campaign_audience
    from rekisteri.register.models import Person

    campaign = _campaign(ctx, "Bench: everyone")
    cfg = controller_settings(ctx.controller.pk)
    sql = audience_floor_sql(cfg.b2b_opt_out, cfg.existing_customer_rule)
    params = {"t": True, "f": False, "c": ctx.controller.pk}

    def floor() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    campaign_audience(campaign)  # warm: the suppression index is brought up to date once
    floor()
    runs, fruns = [], []
    for _ in range(3):
        s, audience = timed(lambda: campaign_audience(campaign))
        fs, counts = timed(floor)
        runs.append(s)
        fruns.append(fs)
    persons = Person.objects.filter(controller=ctx.controller).count()
    fill_bulk(result, persons, statistics.median(runs), statistics.median(fruns))
    ours = {**{k: v for k, v in audience.excluded.items() if v}, **audience.allowed_by}
    result.unit = "persons"
    result.why = (
        "the rules engine's SQL is built by the ORM (Exists, Case/When) and the suppression "
        "index is brought up to date first."
    )
    result.extra = {
        "included": audience.included,
        "by_reason": ours,
        "floor_by_reason": counts,
        "queries": queries_of(campaign_audience, campaign),
        "runs": [round(x, 3) for x in runs],
        "floor_runs": [round(x, 3) for x in fruns],
    }
    result.note = (
        "every person of the group company through the rules engine (restriction, objection, suppression list, "
        "address, bounce, consent, subscription, B2B rule, existing-customer rule), counted per reason; median "
        "of 3; floor: the same checks in one hand-written SQL query"
    )
    if ours != counts:
        result.note += " — the floor's counts differ from ours: see extra"
    return result


# --- sending -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """The local SMTP peer: accepts and counts messages."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.count += 1
        return "250 OK"


@operation("campaign_send", ">= 500 messages/s, <= 2x floor")
def op_send(ctx: Context, result: Result) -> Result:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        result.status = "error"
        result.note = "aiosmtpd is not installed (pip install 'rekisteri[bench]')"
        return result
    from rekisteri.marketing.models import CampaignRecipient, MailingList, RecipientStatus
    from rekisteri.marketing.sending import build_message, campaign_prepare, campaign_send

    port = _free_port()
    sink = Sink()
    peer = Controller(sink, hostname="127.0.0.1", port=port)
    peer.start()
    saved = {
        k: getattr(settings, k, None)
        for k in (
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_USE_TLS",
            "EMAIL_USE_SSL",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
        )
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        scope, actor = _system()
        lists = list(MailingList.objects.filter(pk=1))
        # A first campaign to the same list, untimed: the timed one does not pay for the
        # first use of the code paths, the SMTP peer and the rows' pages (the floor too is
        # run once before it is timed).
        warm = _campaign(ctx, "Bench: newsletter (warm-up)", lists=lists)
        campaign_send(actor=actor, scope=scope, campaign=warm, rate=0)
        campaign = _campaign(ctx, "Bench: newsletter", lists=lists)
        prepare_seconds, _ = timed(
            lambda: campaign_prepare(actor=actor, scope=scope, campaign=campaign)
        )
        sink.count = 0
        seconds, report = timed(
            lambda: campaign_send(actor=actor, scope=scope, campaign=campaign, rate=0)
        )
        received = sink.count
        rows = list(
            CampaignRecipient.objects.filter(campaign=campaign, status=RecipientStatus.SENT)
            .select_related("person")
            .order_by("pk")
        )
        messages = [build_message(campaign=campaign, recipient=r, person=r.person) for r in rows]
        prepared = [
            (
                sanitize_address(m.from_email, m.encoding or "utf-8"),
                [sanitize_address(a, m.encoding or "utf-8") for a in m.recipients()],
                m.message().as_bytes(linesep="\r\n"),
            )
            for m in messages
        ]

        def floor() -> None:
            smtp = smtplib.SMTP("127.0.0.1", port)
            for sender, to, data in prepared:
                smtp.sendmail(sender, to, data)
            smtp.quit()

        floor()  # warm, untimed
        fseconds, _ = timed(floor)
    finally:
        for k, v in saved.items():
            setattr(settings, k, v)
        peer.stop()
    fill_bulk(result, report.sent, seconds, fseconds)
    result.unit = "messages"
    result.why = (
        "each message is built (text and HTML parts, personal links, one-click unsubscribe "
        "headers) and its row claimed, re-checked against the rules and the suppression list, "
        "and marked sent in batches; the floor sends ready bytes."
    )
    result.peak_memory_mb = peak_rss_mb()
    result.extra = {
        "received_by_peer": received,
        "skipped": report.skipped,
        "failed": report.failed,
        "prepare_seconds": round(prepare_seconds, 3),
        "list_members": ctx.sample,
    }
    result.note = (
        "a campaign to a list, over one SMTP connection to a local aiosmtpd peer: rows claimed in batches, each "
        "batch re-checked against the rules and the suppression list, each message built (fi/sv/en text, HTML, "
        "one-click unsubscribe headers) and its row marked sent; floor: smtplib sending the same already built "
        "messages over one connection; both run once untimed first (ours: a campaign to the same list)"
    )
    if received != report.sent:
        result.status = "error"
        result.note += f" — the peer received {received}, we recorded {report.sent}"
    return result
