"""rekisteri campaign list | send ID [--rate N] [--no-progress]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.marketing.models import Campaign, CampaignRecipient, RecipientStatus
from rekisteri.marketing.processing import system_actor, system_scope
from rekisteri.marketing.sending import CampaignBusy, campaign_prepare, campaign_send


class Command(BaseCommand):
    help = "List campaigns, or send one (a second run resumes where the first stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list campaigns with their status and progress")
        send = sub.add_parser("send", help="send or resume a campaign")
        send.add_argument("id", type=int)
        send.add_argument(
            "--rate", type=int, default=None, help="messages per second (0: no limit)"
        )
        send.add_argument("--no-progress", action="store_true")
        prepare = sub.add_parser("prepare", help="freeze the audience without sending")
        prepare.add_argument("id", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            rows = Campaign.objects.select_related("controller").order_by("pk")
            unknown = dict(
                CampaignRecipient.objects.filter(status=RecipientStatus.UNKNOWN)
                .values_list("campaign")
                .annotate(n=Count("pk"))
                .values_list("campaign", "n")
            )
            self.stdout.write(
                f"{'ID':>5}  {'status':<8} {'purpose':<9} {'sent':>12} {'unknown':>8}  name"
            )
            for c in rows:
                progress = f"{c.sent_count}/{c.total}" if c.total else "-"
                self.stdout.write(
                    f"{c.pk:>5}  {c.status:<8} {c.purpose:<9} {progress:>12} "
                    f"{unknown.get(c.pk, 0):>8}  {c.name} ({c.controller.code})"
                )
            return
        try:
            campaign = Campaign.objects.select_related("controller").get(pk=opts["id"])
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"id: no campaign {opts['id']}") from exc
        try:
            self._run(campaign, opts)
        except ProcessingRefused as exc:
            raise CommandError(exc.reason) from exc

    def _run(self, campaign: Campaign, opts: dict[str, Any]) -> None:
        # The worker runs for the operator of the machine: no user, so a system scope that
        # says which command did it; every audit event of the run carries that.
        scope = system_scope(
            f"rekisteri campaign {opts['action']} {campaign.pk}", Cap.SEND_DIRECT_MARKETING
        )
        actor = system_actor(scope)
        if opts["action"] == "prepare":
            campaign_prepare(actor=actor, scope=scope, campaign=campaign)
            self._summary(campaign)
            return
        campaign_prepare(actor=actor, scope=scope, campaign=campaign)
        campaign.refresh_from_db()
        self._summary(campaign)
        bar = None
        if not opts["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(
                total=campaign.total,
                initial=campaign.total - campaign.recipients.filter(status="queued").count(),
                unit="msg",
                file=self.stderr._out,
            )
        try:
            report = campaign_send(
                actor=actor,
                scope=scope,
                campaign=campaign,
                rate=opts["rate"],
                progress=(lambda n: bar.update(n)) if bar else None,
            )
        except CampaignBusy as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.close()
        self.stdout.write(
            f"sent {report.sent}, skipped {report.skipped}, failed {report.failed}, "
            f"unknown {report.unknown} (may or may not have arrived; never resent), "
            f"put back from a stopped run {report.requeued}, remaining {report.remaining}"
        )

    def _summary(self, campaign: Campaign) -> None:
        excluded = ", ".join(f"{k} {v}" for k, v in sorted(campaign.excluded.items()) if v)
        self.stdout.write(
            f"campaign {campaign.pk} '{campaign.name}': {campaign.total} recipients"
            + (f"; excluded: {excluded}" if excluded else "")
        )
