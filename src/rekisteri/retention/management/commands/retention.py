"""`rekisteri retention plan|sweep|verify` — what is due, delete it, prove nothing is overdue."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.audit.work import system_scope
from rekisteri.retention import selectors, services


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {value!r} is not a date like 2026-12-31") from exc


class Command(BaseCommand):
    help = "Retention: plan (what is due), sweep (delete or anonymise it), verify (prove it)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="counts per rule: due now and in the next days")
        plan.add_argument("--as-of", type=str, default=None, help="answer for this day")
        plan.add_argument("--days", type=int, default=30, help="how far 'next' looks (days)")
        plan.add_argument("--json", action="store_true")
        sweep = sub.add_parser(
            "sweep", help="delete or anonymise what is due today (or an earlier day)"
        )
        sweep.add_argument("--dry-run", action="store_true", help="count only, change nothing")
        sweep.add_argument("--chunk", type=int, default=services.CHUNK)
        sweep.add_argument("--no-progress", action="store_true")
        sweep.add_argument("--as-of", type=str, default=None, help=_AS_OF_SWEEP)
        verify = sub.add_parser("verify", help="exit 1 and list records kept past their rule")
        verify.add_argument("--as-of", type=str, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        as_of = _date(opts["as_of"]) if opts.get("as_of") else None
        action = opts["action"]
        if action == "plan":
            self._plan(as_of, opts["days"], opts["json"])
        elif action == "sweep":
            self._sweep(as_of, opts)
        else:
            self._verify(as_of)

    def _plan(self, as_of: date | None, days: int, as_json: bool) -> None:
        plan = selectors.retention_plan(as_of=as_of, horizon_days=days)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "as_of": plan.as_of.isoformat(),
                        "horizon": plan.horizon.isoformat(),
                        "rules": plan.by_rule(),
                        "lines": [line.__dict__ for line in plan.lines],
                        "active_legal_holds": plan.held,
                    },
                    indent=2,
                )
            )
            return
        self.stdout.write(
            f"Retention plan as of {plan.as_of}; 'next' = falling due by {plan.horizon}"
        )
        self.stdout.write(f"{'rule':32} {'model':32} {'action':10} {'due now':>9} {'next':>9}")
        for line in plan.lines:
            self.stdout.write(
                f"{line.rule_code:32} {line.model:32} {line.action:10} "
                f"{line.due_now:>9} {line.due_next:>9}"
            )
        for rule, c in plan.by_rule().items():
            if c["due_now"] or c["due_next"]:
                self.stdout.write(f"  {rule}: {c['due_now']} due now, {c['due_next']} next")
        for u in plan.unapplied:
            self.stdout.write(f"not applied: {u.rule_code} to {u.model} (anchor {u.anchor})")
        self.stdout.write(f"Active legal holds: {plan.held}")

    def _sweep(self, as_of: date | None, opts: dict[str, Any]) -> None:
        try:
            as_of = services.sweep_as_of_check(as_of)
        except services.SweepRefused as exc:
            raise CommandError(f"--as-of: {exc}") from exc
        factory = None
        if not opts["no_progress"] and not opts["dry_run"]:
            from tqdm import tqdm

            def factory(total: int, desc: str) -> Any:
                return tqdm(total=total, desc=desc, unit="rows", file=self.stderr._out)

        scope = system_scope(
            f"retention sweep as of {as_of.isoformat()}"
            + (" (dry run)" if opts["dry_run"] else "")
            + ", run on the command line",
            actor=services.SWEEP_ACTOR,
            capabilities=(),
        )
        result = services.retention_sweep(
            scope=scope,
            as_of=as_of,
            dry_run=opts["dry_run"],
            chunk=opts["chunk"],
            progress_factory=factory,
        )
        head = "Dry run: would remove" if result.dry_run else "Removed"
        self.stdout.write(f"{head} {result.total} rows as of {result.as_of}")
        for rule, counts in sorted(result.counts.items()):
            parts = ", ".join(f"{n} {verb}" for verb, n in sorted(counts.items()))
            self.stdout.write(f"  {rule}: {parts}")
        if not result.dry_run:
            self.stdout.write(f"Files removed: {result.files_removed}")

    def _verify(self, as_of: date | None) -> None:
        overdue = selectors.retention_verify(as_of=as_of)
        if not overdue:
            self.stdout.write("OK: no record is kept past its retention rule.")
            return
        for o in overdue:
            self.stdout.write(f"OVERDUE {o.rule_code} ({o.model}): {o.count} records")
            for record in o.records:
                self.stdout.write(f"  {record}")
            if o.count > len(o.records):
                self.stdout.write(f"  … and {o.count - len(o.records)} more")
        raise CommandError(
            f"{sum(o.count for o in overdue)} records are kept past their retention rule",
            returncode=1,
        )


_AS_OF_SWEEP = (
    "sweep as of this day, today or earlier (catching up; default today). A later day is "
    "refused: it would delete data before its rule is due"
)
