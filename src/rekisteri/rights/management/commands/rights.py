"""`rekisteri rights <right> --email E …`: run a data subject right from the command line.

Thin: finds the person records by email (or --person-id), calls the same services as the
staff UI and the API, prints the result. The operator acts under a system scope (every group
company, the capability to handle rights requests) as "cli:<user>"; the audit trail records
why (which right, run by whom on the command line) when the scope is opened.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import Scope
from rekisteri.audit.services import Actor
from rekisteri.audit.work import system_scope
from rekisteri.register.models import Person
from rekisteri.register.validators import InvalidValue, normalise_email
from rekisteri.rights import services
from rekisteri.rights.erasure import ErasureBlocked


def _operator() -> str:
    return f"cli:{os.environ.get('USER', 'operator')}"


def _scope(right: str) -> Scope:
    return system_scope(
        f"rekisteri rights {right}, run on the command line",
        actor=_operator(),
        capabilities=[Cap.HANDLE_RIGHTS_REQUESTS],
    )


class Command(BaseCommand):
    help = "Run a data subject right for one person: access, portability, erasure, restriction, objection, rectification."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="right", required=True)

        def common(p: CommandParser) -> None:
            p.add_argument("--email", help="the person's email address in the register")
            p.add_argument(
                "--person-id", type=int, action="append", default=[], help="person record id"
            )

        p = sub.add_parser("access", help="Art. 15: write the access package (ZIP)")
        common(p)
        p.add_argument("--out", required=True, help="ZIP file to write")
        p.add_argument("--lang", choices=["fi", "sv", "en"], help="default: the person's")

        p = sub.add_parser("portability", help="Art. 20: write the portability package (ZIP)")
        common(p)
        p.add_argument("--out", required=True)

        p = sub.add_parser("erasure", help="Art. 17: show the plan, or execute it")
        common(p)
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--plan", action="store_true")
        g.add_argument("--execute", action="store_true")

        p = sub.add_parser("restriction", help="Art. 18: restrict or lift")
        common(p)
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--ground", help="restrict, with this ground")
        g.add_argument("--lift", action="store_true", help="lift and tell the person")
        g.add_argument(
            "--lift-due", action="store_true", help="lift every restriction whose period ended"
        )
        p.add_argument("--until", type=date.fromisoformat, help="YYYY-MM-DD")

        p = sub.add_parser("objection", help="Art. 21: record an objection")
        common(p)
        p.add_argument(
            "--purpose", default="", help="a purpose weighed case by case (default: marketing)"
        )
        p.add_argument("--upheld", choices=["yes", "no"], help="decision (legitimate interest)")
        p.add_argument("--reasons", default="")

        p = sub.add_parser("rectification", help="Art. 16: change details (FIELD=VALUE …)")
        common(p)
        p.add_argument("changes", nargs="+", help="e.g. first_name=Maija email=m@example.fi")

        sub.add_parser("purge-packages", help="delete expired packages and stray files")

    def _persons(self, options: dict[str, Any]) -> list[Person]:
        ids = set(options.get("person_id") or [])
        if options.get("email"):
            try:
                email = normalise_email(options["email"])
            except InvalidValue as exc:
                raise CommandError(f"--email: {exc}") from exc
            ids |= {p.pk for p in services.persons_by_email(email)}
        persons = list(Person.objects.filter(pk__in=ids).order_by("pk"))
        if not persons:
            raise CommandError("no person record matches --email / --person-id")
        return persons

    def handle(self, *args: Any, **options: Any) -> None:
        right = options["right"]
        if right == "purge-packages":
            from rekisteri.rights.packages import packages_purge_expired

            self.stdout.write(f"removed {packages_purge_expired()} packages")
            return
        actor = Actor(_operator())
        if right == "restriction" and options["lift_due"]:
            scope = _scope("restriction --lift-due")
            lifted = services.restrictions_lift_due(scope=scope, actor=actor)
            self.stdout.write(f"lifted {lifted}")
            return
        persons = self._persons(options)
        ids = [p.pk for p in persons]
        self.scope = _scope(right)
        try:
            getattr(self, f"_{right}")(actor, persons, ids, options)
        except (services.RightsError, ErasureBlocked) as exc:
            raise CommandError(str(exc)) from exc

    def _write(self, path: Path, out: str) -> None:
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        self.stdout.write(f"wrote {target} ({target.stat().st_size} bytes)")

    def _access(self, actor: Actor, persons: list[Person], ids: list[int], o: Any) -> None:
        lang = o.get("lang") or persons[0].language
        self._write(
            services.access_package_build(scope=self.scope, actor=actor, person_ids=ids, lang=lang),
            o["out"],
        )

    def _portability(self, actor: Actor, persons: list[Person], ids: list[int], o: Any) -> None:
        self._write(
            services.portability_package_build(scope=self.scope, actor=actor, person_ids=ids),
            o["out"],
        )

    def _erasure(self, actor: Actor, persons: list[Person], ids: list[int], o: Any) -> None:
        for person in persons:
            plan = services.erasure_plan(scope=self.scope, person=person)
            if o["plan"]:
                self.stdout.write(json.dumps(plan.as_dict(), indent=2, default=str))
                continue
            result = services.erasure_execute(
                scope=self.scope, actor=actor, person=person, plan=plan
            )
            self.stdout.write(
                json.dumps(
                    {
                        "person_id": result.person_id,
                        "deleted": result.deleted,
                        "kept": result.kept,
                        "detached": result.detached,
                        "person_kept": result.person_kept,
                        "notify_recipients": result.recipients,
                    },
                    default=str,
                )
            )

    def _restriction(self, actor: Actor, persons: list[Person], ids: list[int], o: Any) -> None:
        for person in persons:
            if o["lift"]:
                done = services.restriction_lift(scope=self.scope, actor=actor, person=person)
                self.stdout.write(f"person {person.pk}: {'lifted' if done else 'not restricted'}")
            else:
                services.restriction_set(
                    scope=self.scope,
                    actor=actor,
                    person=person,
                    ground=o["ground"],
                    until=o.get("until"),
                )
                self.stdout.write(f"person {person.pk}: restricted")

    def _objection(self, actor: Actor, persons: list[Person], ids: list[int], o: Any) -> None:
        purpose = o["purpose"]
        for person in persons:
            if not purpose or purpose in services.absolute_objection_purposes():
                services.objection_marketing(
                    scope=self.scope, actor=actor, person=person, source="cli"
                )
                self.stdout.write(f"person {person.pk}: direct marketing and profiling stopped")
            else:
                if not o.get("upheld"):
                    raise CommandError("--upheld yes|no and --reasons are needed for " + purpose)
                services.objection_decide(
                    scope=self.scope,
                    actor=actor,
                    person=person,
                    purpose=purpose,
                    upheld=o["upheld"] == "yes",
                    reasons=o["reasons"],
                )
                self.stdout.write(f"person {person.pk}: decided ({o['upheld']})")

    def _rectification(self, actor: Actor, persons: list[Person], ids: list[int], o: Any) -> None:
        changes = {}
        for pair in o["changes"]:
            key, sep, value = pair.partition("=")
            if not sep:
                raise CommandError(f"{pair!r}: write FIELD=VALUE")
            changes[key.strip()] = value
        for person in persons:
            recipients = services.rectification_apply(
                scope=self.scope, actor=actor, person=person, changes=changes
            )
            self.stdout.write(
                f"person {person.pk}: rectified; tell: "
                + (", ".join(str(r.get("recipient", "")) for r in recipients) or "nobody")
            )
