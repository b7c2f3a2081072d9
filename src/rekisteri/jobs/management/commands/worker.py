"""rekisteri worker [--until-idle] [--max-jobs N] [--poll SECONDS]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.common.env import ConfigError
from rekisteri.jobs.worker import Runner


class Command(BaseCommand):
    help = "Run queued jobs and the schedule (campaign sending, sweeps, checks) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until-idle", action="store_true", help="exit once no job is due")
        parser.add_argument("--max-jobs", type=int, default=None, help="exit after N jobs")
        parser.add_argument(
            "--poll", type=float, default=0.2, help="seconds between looks at an empty queue"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            runner = Runner(poll=opts["poll"])
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"worker {runner.identity} started")
        self.stdout.flush()
        ran = runner.run(until_idle=opts["until_idle"], max_jobs=opts["max_jobs"])
        self.stdout.write(f"worker {runner.identity} stopped after {ran} jobs")
