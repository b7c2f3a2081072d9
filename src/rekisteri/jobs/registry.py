"""The named jobs the worker may run, and when the schedule runs them.

A job is a dotted path to a callable taking keyword arguments (ids, never personal data).
`when` puts it on the schedule: "every 15m", "every 2h", "every 30s" or "daily 02:30"
(the register's time zone); None runs it only when something queues it. Adding a job is
one line in JOBS. An operator changes the schedule without touching code with a TOML file
named by `REKISTERI_SCHEDULE` (docs/worker.md):

    [retention-sweep]
    when = "daily 03:15"      # another time
    [bounces]
    when = "off"              # not on the schedule
    [nightly-export]
    callable = "mycompany.jobs.export"
    when = "daily 04:00"      # a job of one's own

`REKISTERI_SCHEDULE=off` turns the whole schedule off (queued jobs still run).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rekisteri.common.env import ConfigError


@dataclass(frozen=True)
class Task:
    path: str
    label: str
    when: str | None = None
    max_attempts: int = 5
    needs: str = ""  # a setting without which it is not on the default schedule


JOBS: dict[str, Task] = {
    "campaign-send": Task("rekisteri.marketing.jobs.campaign_send_job", _("Campaign sending")),
    "retention-sweep": Task(
        "rekisteri.jobs.tasks.retention_sweep", _("Retention sweep"), "daily 02:30", 3
    ),
    "restriction-lifts": Task(
        "rekisteri.jobs.tasks.restrictions_lift", _("Lifting ended restrictions"), "daily 02:45"
    ),
    "audit-verify": Task(
        "rekisteri.jobs.tasks.audit_verify", _("Audit trail verification"), "daily 03:00", 1
    ),
    # the mail outbox (docs/mail.md): every mail but campaigns leaves through it
    "mail-deliver": Task(
        "rekisteri.mail.delivery.deliver_due", _("Sending queued mail"), "every 10s"
    ),
    "mail-purge": Task(
        "rekisteri.mail.outbox.mail_purge", _("Deleting old sent mail"), "daily 04:15"
    ),
    "deadline-reminders": Task(
        "rekisteri.rights.reminders.remind_deadlines",
        _("Reminding the DPO of request deadlines"),
        "daily 07:00",
    ),
    "import-uploads-sweep": Task(
        "rekisteri.imports.uploads.upload_sweep",
        _("Deleting abandoned import uploads"),
        "every 15m",
    ),
    # the "Update from the trade register" action (docs/enrichment.md)
    "trade-register-update": Task(
        "rekisteri.enrichment.jobs.trade_register_update_job",
        _("Updating an organisation from the trade register"),
        max_attempts=3,
    ),
    # screening (docs/screening.md): queued by the register's and the import's services
    "screening-subjects": Task(
        "rekisteri.screening.jobs.screen_subjects",
        _("Screening new or changed persons and organisations"),
    ),
    "screening-lists-changed": Task(
        "rekisteri.screening.jobs.rescreen_when_lists_changed",
        _("Re-screening everyone when a sanctions or PEP list changed"),
        "every 5m",
        1,
    ),
    "bounces": Task(
        "rekisteri.jobs.tasks.bounces_poll",
        _("Bounce mailbox polling"),
        "every 15m",
        1,
        needs="BOUNCE_MAILBOX",
    ),
}

_EVERY = re.compile(r"every (\d+)([smh])")
_DAILY = re.compile(r"daily ([01]\d|2[0-3]):([0-5]\d)")
_UNITS = {"s": 1, "m": 60, "h": 3600}


def check_when(when: str) -> str:
    """The schedule expression, or ConfigError saying what is allowed."""
    if _EVERY.fullmatch(when) and int(_EVERY.fullmatch(when).group(1)) > 0:  # type: ignore[union-attr]
        return when
    if _DAILY.fullmatch(when):
        return when
    raise ConfigError(f'schedule: "{when}" is not "every N[s|m|h]" or "daily HH:MM" (or "off")')


def slot(when: str, now: datetime) -> datetime:
    """The latest moment at or before `now` when the expression is due."""
    every = _EVERY.fullmatch(when)
    if every:
        step = int(every.group(1)) * _UNITS[every.group(2)]
        return datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=now.tzinfo)
    daily = _DAILY.fullmatch(check_when(when))
    assert daily is not None
    local = timezone.localtime(now)
    at = local.replace(
        hour=int(daily.group(1)), minute=int(daily.group(2)), second=0, microsecond=0
    )
    return at if at <= local else at - timedelta(days=1)


def next_slot(when: str, now: datetime) -> datetime:
    every = _EVERY.fullmatch(when)
    if every:
        return slot(when, now) + timedelta(seconds=int(every.group(1)) * _UNITS[every.group(2)])
    return slot(when, now) + timedelta(days=1)


@cache
def jobs() -> dict[str, Task]:
    """JOBS with the operator's schedule file applied (read once per process)."""
    source = getattr(settings, "JOBS_SCHEDULE", "")
    table = {
        name: task
        if not task.needs or getattr(settings, task.needs, "")
        else replace(task, when=None)
        for name, task in JOBS.items()
    }
    if source == "off":
        return {name: replace(task, when=None) for name, task in table.items()}
    if not source:
        return table
    try:
        data = tomllib.loads(Path(source).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"REKISTERI_SCHEDULE: cannot read {source}: {exc}") from exc
    for name, entry in data.items():
        if not isinstance(entry, dict) or set(entry) - {"when", "callable", "max_attempts"}:
            raise ConfigError(f"REKISTERI_SCHEDULE: [{name}] takes when, callable and max_attempts")
        when = entry.get("when")
        try:
            when = None if when == "off" else check_when(str(when)) if when else None
        except ConfigError as exc:
            raise ConfigError(f"REKISTERI_SCHEDULE: [{name}] {exc}") from None
        if name in table:
            task = replace(table[name], when=when)
        elif "callable" in entry:
            task = Task(str(entry["callable"]), name, when)
        else:
            raise ConfigError(f"REKISTERI_SCHEDULE: [{name}] is no job; give it a callable")
        if "max_attempts" in entry:
            task = replace(task, max_attempts=int(entry["max_attempts"]))
        table[name] = task
    return table


def task_of(name: str) -> Task:
    try:
        return jobs()[name]
    except KeyError:
        raise LookupError(f"no job named {name}") from None
