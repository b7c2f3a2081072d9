"""What the import commands share (`rekisteri import`, `rekisteri kyc import`): the group
company to import into, and how a report is written to the terminal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rekisteri.register.models import Controller

MAX_LISTED = 200


def controller_of(code: str) -> Controller:
    """The group company named by `--controller`, or the only one there is."""
    if code:
        controller = Controller.objects.filter(code=code).first()
        if controller is None:
            raise CommandError(f"--controller: no group company with code {code!r}")
        return controller
    controllers = list(Controller.objects.all()[:2])
    if len(controllers) == 1:
        return controllers[0]
    if not controllers:
        raise CommandError("no group company is loaded: run `rekisteri catalogue load FILE`")
    codes = ", ".join(Controller.objects.values_list("code", flat=True))
    raise CommandError(f"--controller is needed: choose one of {codes}")


def write_report(command: BaseCommand, file: str, report: Any) -> None:
    """Every error (up to MAX_LISTED) on stderr and a CommandError, or the notes and the
    summary on stdout."""
    if not report.ok:
        for error in report.errors[:MAX_LISTED]:
            command.stderr.write(str(error))
        if len(report.errors) > MAX_LISTED:
            command.stderr.write(f"… and {len(report.errors) - MAX_LISTED} more")
        raise CommandError(f"{file}: {report.summary()}")
    for line in report.notes:
        command.stdout.write(line)
    command.stdout.write(command.style.SUCCESS(f"{file}: {report.summary()}"))
