"""rekisteri notice render|check|sync|versions|notify — the privacy notice from the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rekisteri.audit.services import Actor
from rekisteri.catalogue.schema import CatalogueError


class Command(BaseCommand):
    help = "Render, check and publish the privacy notice generated from the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        render = sub.add_parser("render", help="print the notice")
        render.add_argument("--lang", choices=("fi", "sv", "en"), default="fi")
        render.add_argument("--format", choices=("html", "md"), default="md")
        render.add_argument("--version", type=int, help="an earlier version's number")
        render.add_argument("--out", help="write to this file instead of standard output")
        check = sub.add_parser("check", help="does a catalogue give everything the notice needs")
        check.add_argument("file", nargs="?", help="a catalogue TOML (default: the loaded one)")
        sub.add_parser("sync", help="publish a new version if the loaded catalogue changed it")
        sub.add_parser("versions", help="list the published versions and their changes")
        notify = sub.add_parser("notify", help="persons whose consent rests on a changed purpose")
        notify.add_argument("number", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _render(self, opts: dict[str, Any]) -> None:
        from django.conf import settings

        from rekisteri.notice.models import NoticeVersion
        from rekisteri.notice.selectors import notice_render

        try:
            text = notice_render(
                lang=opts["lang"],
                fmt=opts["format"],
                number=opts["version"],
                base_url=settings.BASE_URL,
            )
        except NoticeVersion.DoesNotExist as exc:
            raise CommandError(f"--version: no notice version {opts['version']}") from exc
        if not text:
            raise CommandError("no catalogue is loaded: run `rekisteri catalogue load FILE` first")
        if opts["out"]:
            Path(opts["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {opts['out']}")
        else:
            self.stdout.write(text)

    def _check(self, opts: dict[str, Any]) -> None:
        from rekisteri.catalogue.models import CatalogueVersion
        from rekisteri.notice.content import notice_problems

        if opts["file"]:
            try:
                text = Path(opts["file"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{opts['file']}: {exc.strerror}") from exc
        else:
            cv = CatalogueVersion.objects.order_by("-id").first()
            if cv is None:
                raise CommandError("no catalogue is loaded; name a file")
            text = cv.source_text
        problems = notice_problems(text)
        if problems:
            raise CommandError("the notice cannot be written:\n" + "\n".join(problems))
        self.stdout.write("the catalogue gives everything the privacy notice needs")

    def _sync(self, opts: dict[str, Any]) -> None:
        from rekisteri.notice.services import notice_version_sync

        try:
            version = notice_version_sync(actor=Actor("cli"))
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        if version is None:
            self.stdout.write("the notice is up to date")
        else:
            self.stdout.write(f"published notice version {version.number}")

    def _versions(self, opts: dict[str, Any]) -> None:
        from rekisteri.notice.content import change_text
        from rekisteri.notice.selectors import notice_versions

        for v in notice_versions():
            self.stdout.write(f"{v.number}\t{v.published_at:%Y-%m-%d %H:%M}\t{v.published_by}")
            for c in v.changes:
                self.stdout.write(f"\t- {change_text(c, 'en')}")

    def _notify(self, opts: dict[str, Any]) -> None:
        from rekisteri.notice.models import NoticeVersion
        from rekisteri.notice.selectors import persons_to_notify

        try:
            version = NoticeVersion.objects.get(number=opts["number"])
        except NoticeVersion.DoesNotExist as exc:
            raise CommandError(f"no notice version {opts['number']}") from exc
        persons = persons_to_notify(version=version)
        for p in persons:
            self.stdout.write(f"{p['person_id']}\t{','.join(p['purposes'])}")
        self.stderr.write(
            f"{len(persons)} persons; changed purposes: {', '.join(version.changed_purposes) or '-'}"
        )
