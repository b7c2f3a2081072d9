"""rekisteri segments compute [ID ...] | rules"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.marketing.models import Segment
from rekisteri.marketing.processing import system_actor, system_scope
from rekisteri.marketing.segments import RULES
from rekisteri.marketing.services import segment_refresh


class Command(BaseCommand):
    help = "Recompute saved segments (all, or the given ids), or list the available rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute")
        compute.add_argument("ids", type=int, nargs="*")
        sub.add_parser("rules")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "rules":
            for rule in RULES.values():
                self.stdout.write(f"{rule.code:<18} {rule.label} [{', '.join(rule.categories)}]")
            return
        qs = Segment.objects.order_by("pk")
        if opts["ids"]:
            qs = qs.filter(pk__in=opts["ids"])
        try:
            scope = system_scope("rekisteri segments compute", Cap.PROFILE_SEGMENTS)
            actor = system_actor(scope)
            for segment in qs:
                count = segment_refresh(actor=actor, scope=scope, segment=segment)
                self.stdout.write(f"{segment.pk:>5}  {count:>8} members  {segment.name}")
        except ProcessingRefused as exc:
            raise CommandError(exc.reason) from exc
