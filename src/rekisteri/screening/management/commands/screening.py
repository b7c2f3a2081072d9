"""`rekisteri screening load FILE [--format ftm|eu-fsf|un] [--name NAME] | run [--all]
[--processes N] | hits [--json]` — load a list the user downloaded, re-screen the register,
list open hits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.screening import selectors, services
from rekisteri.watchlists.matching import MatchWorkerDied
from rekisteri.watchlists.services import ListFileError, load_list

ACTOR = "rekisteri screening"


class Command(BaseCommand):
    help = "Sanctions and PEP screening: load a list file, re-screen everyone, list open hits."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a list file as the list's new current version")
        load.add_argument("file", help="the file you downloaded")
        load.add_argument(
            "--format",
            default=None,
            help="ftm (OpenSanctions entities.ftm.json), eu-fsf (EU Financial Sanctions "
            "Files XML) or un (UN consolidated list XML); by default from the file",
        )
        load.add_argument("--name", default=None, help="the list's name (default: from the file)")
        run = sub.add_parser(
            "run", help="screen everyone again if a list changed since the last run"
        )
        run.add_argument("--all", action="store_true", help="screen everyone again in any case")
        run.add_argument(
            "--processes",
            type=int,
            default=None,
            help="worker processes that match (default: the machine's cores)",
        )
        hits = sub.add_parser("hits", help="the open hits, waiting for a decision")
        hits.add_argument("--json", action="store_true", help="as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        try:
            if action == "load":
                self._load(opts)
            elif action == "run":
                self._run(everyone=opts["all"], processes=opts["processes"])
            else:
                self._hits(as_json=opts["json"])
        except ProcessingRefused as exc:
            raise CommandError(str(exc.reason)) from None

    def _scope(self, reason: str) -> Any:
        if not services.screening_on():
            raise CommandError(
                "Screening is off: no purpose of the loaded catalogue covers screening "
                "customers (capability screen_customers)."
            )
        return system_scope(reason, actor=ACTOR, capabilities=[Cap.SCREEN_CUSTOMERS])

    def _load(self, opts: dict[str, Any]) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            version = load_list(path, format=opts["format"], name=opts["name"])
        except ListFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Loaded {version.watchlist.name} as version {version.pk} "
            f"({version.entity_count} entries). It is current now; `rekisteri screening run` "
            "(or the worker within minutes) screens everyone against it."
        )

    def _run(self, *, everyone: bool, processes: int | None) -> None:
        if processes is not None and processes < 1:
            raise CommandError("--processes: give 1 or more")
        scope = self._scope(
            "re-screening everyone against the lists (rekisteri screening run"
            + (" --all)" if everyone else ")")
        )
        try:
            run = services.rescreen(
                scope=scope, actor=Actor(ACTOR), everyone=everyone, processes=processes
            )
        except MatchWorkerDied:
            raise CommandError(
                "A matching worker process died (out of memory?). The persons and "
                "organisations screened so far are written in whole batches; the run is not "
                "marked finished, so `rekisteri screening run` screens everyone again."
            ) from None
        if run is None:
            self.stdout.write("No list changed since the last run; nothing to do (--all to force).")
            return
        self.stdout.write(
            f"Screened {run.persons} persons and {run.organisations} organisations: "
            f"{run.opened} new hits, {run.withdrawn} withdrawn."
        )

    def _hits(self, *, as_json: bool) -> None:
        scope = self._scope("listing open screening hits (rekisteri screening hits)")
        with translation.override("en"):  # the command speaks English, as its other lines
            rows = selectors.hits_for_command(scope=scope, actor=Actor(ACTOR))
        if as_json:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": r.hit.pk,
                            "kind": r.kind,
                            "subject_id": r.subject_id,
                            "subject": r.subject,
                            "list": r.hit.list_name,
                            "list_version_id": r.hit.list_version_id,
                            "entity_key": r.hit.entity_key,
                            "caption": r.hit.caption,
                            "score": r.hit.score,
                            "reasons": r.hit.reasons,
                            "why": r.why,
                            "found_at": r.hit.created_at.isoformat(),
                        }
                        for r in rows
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        if not rows:
            self.stdout.write("No open hits.")
            return
        self.stdout.write(f"{len(rows)} open hits, best score first:")
        for r in rows:
            self.stdout.write(
                f"- {r.kind} {r.subject_id} {r.subject}: {r.hit.caption} on {r.hit.list_name} "
                f"({r.percent} %)"
            )
            for line in r.why:
                self.stdout.write(f"    {line}")
