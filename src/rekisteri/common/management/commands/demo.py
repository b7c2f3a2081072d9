"""rekisteri demo [--no-serve] [--addr 127.0.0.1:8000]

Migrate, load the demo catalogue, create the demo register and staff users, let each app
add its own demo data (see docs/demo.md), and serve. Every step is idempotent.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rekisteri.audit.services import Actor

DEMO_CATALOGUE = Path(__file__).resolve().parents[3] / "catalogue" / "demo_catalogue.toml"
HOOK_APPS = (
    "interactions",
    "retention",
    "consent",
    "marketing",
    "rights",
    "notice",
    "disclosures",
    "kyc",  # catalogue-free: an app's demo hook, not a category
    "enrichment",
    "screening",  # catalogue-free: an app's demo hook, not a category
    "breaches",
)


def start_worker(out: Any) -> subprocess.Popen[bytes]:
    """`rekisteri worker` as a child process beside the server (it sends the campaigns and
    runs the schedule); stopped with SIGTERM when the demo ends."""
    proc = subprocess.Popen([sys.executable, "-m", "rekisteri.cli", "worker"])  # noqa: S603

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)

    atexit.register(stop)
    out.write(f"worker started (process {proc.pid})")
    return proc


class Command(BaseCommand):
    help = "Run the demo: migrate, load the demo catalogue and data, print logins, serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="stop before serving")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        from rekisteri.catalogue.selectors import catalogue_snapshot
        from rekisteri.catalogue.services import catalogue_load
        from rekisteri.imports.demo_data import demo_data_load, demo_users_ensure
        from rekisteri.mail.outbox import where_mail_goes

        out = self.stdout
        out.write("migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)

        version, created = catalogue_load(
            text=DEMO_CATALOGUE.read_text(encoding="utf-8"),
            source_name=DEMO_CATALOGUE.name,
            actor=Actor("demo"),
        )
        out.write(
            f"catalogue {version.version}: "
            + (f"loaded as version #{version.pk}" if created else f"unchanged (#{version.pk})")
        )

        summary = demo_data_load()
        if summary.created:
            out.write(
                f"demo register: {summary.organizations} organisations and"
                f" {summary.persons} persons created"
            )
        else:
            out.write("demo register: already present, nothing added")

        users = demo_users_ensure(roles=catalogue_snapshot().roles)
        failed = self._run_hooks()

        out.write("")
        out.write(
            self.style.WARNING("DEMO LOGINS — demo-only passwords, never use them for real data:")
        )
        for user in users:
            note = "  (asks you to set up an authenticator app at first login)" if user.mfa else ""
            out.write(
                f"  {user.username:22} {user.password:34} {'+'.join(user.roles)} @ {user.controller}{note}"
            )
        out.write("")
        out.write(where_mail_goes())
        if failed:
            raise CommandError(f"demo hooks failed: {', '.join(failed)}")
        if options["no_serve"]:
            return
        start_worker(out)
        addr = options["addr"]
        out.write("")
        out.write(self.style.SUCCESS(f"serving on http://{addr}/staff/ (Ctrl-C stops)"))
        # The production server (gunicorn, whitenoise for the static files), as for real.
        call_command("serve", addr=addr)

    def _run_hooks(self) -> list[str]:
        """Call rekisteri.<app>.demo.load(stdout=...) for each app that has one."""
        failed = []
        for app in HOOK_APPS:
            name = f"rekisteri.{app}.demo"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            load = getattr(module, "load", None)
            if load is None:
                continue
            try:
                with transaction.atomic():
                    load(stdout=self.stdout)
            except Exception:  # a broken hook must not hide the others; reported below
                self.stderr.write(f"{name}.load failed:\n{traceback.format_exc()}")
                failed.append(app)
        return failed
