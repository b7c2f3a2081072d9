"""rekisteri serve [--addr HOST:PORT] [--workers N] [--threads N]

The production web server: gunicorn (measured against granian, docs/operations.md) running
Rekisteri's WSGI application, with static files served by whitenoise from STATIC_ROOT
(collected here at start, so `serve` works out of the box). Settings come from the
environment as everywhere else; behind a reverse proxy set BEHIND_PROXY=true (and
REKISTERI_TRUSTED_PROXIES), which Django and rekisteri.common.client honour.

The access log (rekisteri.common.accesslog) is one line a request on stdout: method, route
with ids, status, milliseconds. Gunicorn's own access log, which would print the query
string and the client's address, stays off.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from rekisteri.common.env import env_int, env_str

DEFAULT_ADDR = "127.0.0.1:8000"


def default_workers() -> int:
    """Two processes a core and one more (gunicorn's advice), at most eight."""
    return min(8, 2 * (os.cpu_count() or 1) + 1)


def _access_log_to_stdout() -> None:
    access = logging.getLogger("rekisteri.access")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access.handlers = [handler]
    access.setLevel(logging.INFO)
    access.propagate = False


def gunicorn_options(*, addr: str, workers: int, threads: int) -> dict[str, Any]:
    if settings.BEHIND_PROXY:
        # gunicorn sets wsgi.url_scheme from X-Forwarded-Proto only for these peers.
        forwarded = ",".join(settings.TRUSTED_PROXIES) or "127.0.0.1,::1"
    else:
        forwarded = ""
    return {
        "bind": addr,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        # a large export or access package may take a while; the worker does the long jobs
        "timeout": 120,
        "graceful_timeout": 30,
        "forwarded_allow_ips": forwarded,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "rekisteri",
        "control_socket_disable": True,
    }


class Command(BaseCommand):
    help = "Serve Rekisteri with a production web server (gunicorn) and its static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr",
            default=env_str("REKISTERI_ADDR", DEFAULT_ADDR),
            help=f"HOST:PORT to listen on (REKISTERI_ADDR; default {DEFAULT_ADDR})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("REKISTERI_WORKERS", 0) or default_workers(),
            help="processes (REKISTERI_WORKERS; default 2 × cores + 1, at most 8)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("REKISTERI_THREADS", 4),
            help="threads per process (REKISTERI_THREADS; default 4: requests mostly wait on "
            "the database, docs/operations.md)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="skip collecting static files (a container has done it when it was built)",
        )
        parser.add_argument("--no-access-log", action="store_true", help="no access log")

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        addr: str = options["addr"]
        host, sep, port = addr.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise CommandError(f"--addr must be HOST:PORT, not {addr!r}")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")

        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        connection = connections[DEFAULT_DB_ALIAS]
        pending = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
        if pending:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(pending)} migrations are not applied: run `rekisteri migrate`"
                )
            )
        from rekisteri.wsgi import application  # sets Django's logging up (again)

        if not options["no_access_log"]:
            _access_log_to_stdout()
        # The workers are forked from this process: none may inherit its database connection.
        connections.close_all()

        config = gunicorn_options(addr=addr, workers=options["workers"], threads=options["threads"])

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"listening on {addr} with {options['workers']} processes (Ctrl-C stops)")
        self.stdout.flush()
        Server().run()
