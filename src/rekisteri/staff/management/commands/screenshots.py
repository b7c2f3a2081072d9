"""rekisteri screenshots [--out docs/screenshots]

Build the demo in a throwaway REKISTERI_HOME (its own SQLite database and mail folder), serve
it, log in as the demo roles in Debian's Chromium (Playwright) and write PNGs of the dashboard,
a person page, a request page, a campaign page and the public portal (1280×800; the portal also
at 360 px). Needs the [test] extra (Playwright) and Chromium (/usr/bin/chromium or
REKISTERI_CHROMIUM). Nothing of the throwaway home is kept.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
LANGUAGE = "fi"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare() -> dict[str, Any]:
    """In the throwaway home: the demo users to log in as (a confirmed authenticator for each,
    so that two-step verification can be passed) and the records to show."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rekisteri.access.capabilities import Cap
    from rekisteri.access.selectors import scope_for
    from rekisteri.imports.demo_data import demo_password
    from rekisteri.marketing.models import Campaign
    from rekisteri.register.models import Person
    from rekisteri.rights.models import RequestSubject, RightsRequest

    def first_user(capability: str) -> Any:
        users = get_user_model().objects.filter(staff__isnull=False).order_by("pk")
        for user in users:
            scope = scope_for(user)
            if scope.can(capability) and len(scope.roles) == 1:
                return user
        raise CommandError(f"no demo user can {capability}")

    def login(user: Any) -> dict[str, Any]:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="screenshots", confirmed=True)
        return {
            "username": user.username,
            "password": demo_password(user.username),
            "key": device.key,
        }

    rights = first_user(Cap.HANDLE_RIGHTS_REQUESTS)
    marketing = first_user(Cap.SEND_DIRECT_MARKETING)
    request = RightsRequest.objects.order_by("received_at", "pk").first()
    subject = RequestSubject.objects.filter(request=request).first() if request else None
    person = subject.person if subject else Person.objects.order_by("pk").first()
    campaign = Campaign.objects.order_by("-pk").first()
    if request is None or person is None or campaign is None:
        raise CommandError("the demo has no request, person or campaign to show")
    return {
        "handler": login(rights),
        "sender": login(marketing),
        "person": person.pk,
        "request": request.pk,
        "campaign": campaign.pk,
    }


def _token(key: str) -> str:
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(key.encode())):06d}"


class Command(BaseCommand):
    help = "Write screenshots of the staff UI and the public portal, from a throwaway demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="docs/screenshots", help="folder for the PNGs")
        parser.add_argument("--prepare", action="store_true", help=argparse_suppress())

    def handle(self, *args: Any, **options: Any) -> None:
        if options["prepare"]:
            self.stdout.write(json.dumps(_prepare()))
            return
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise CommandError(
                "`rekisteri screenshots` needs Playwright, from the [test] extra: "
                "pip install -e '.[test]'"
            ) from exc
        from rekisteri.testing.browser import CHROMIUM_ARGS, chromium_path

        chromium = chromium_path()
        if chromium is None:
            raise CommandError(
                "Chromium not found: install Debian's chromium or set REKISTERI_CHROMIUM"
            )
        out = Path(options["out"]).resolve()
        out.mkdir(parents=True, exist_ok=True)
        home = Path(tempfile.mkdtemp(prefix="rekisteri-screenshots-"))
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["REKISTERI_HOME"] = str(home)
        cli = [sys.executable, "-m", "rekisteri.cli"]
        server = None
        try:
            self.stdout.write(f"building the demo in {home} …")
            subprocess.run([*cli, "demo", "--no-serve"], env=env, check=True, capture_output=True)  # noqa: S603
            found = subprocess.run(  # noqa: S603
                [*cli, "screenshots", "--prepare"], env=env, check=True, capture_output=True
            )
            ids = json.loads(found.stdout.decode().strip().splitlines()[-1])
            port = _free_port()
            server = subprocess.Popen(  # noqa: S603
                [*cli, "serve", "--addr", f"127.0.0.1:{port}", "--no-access-log"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            self._wait(base, server)
            with sync_playwright() as manager:
                browser = manager.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    written = self._shoot(browser, base, ids, out)
                finally:
                    browser.close()
        except subprocess.CalledProcessError as exc:
            raise CommandError(
                f"{' '.join(exc.cmd[2:])} failed:\n{exc.stderr.decode()[-2000:]}"
            ) from exc
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:  # a busy machine: do not leave it running
                    server.kill()
                    server.wait()
            shutil.rmtree(home, ignore_errors=True)
        for path in written:
            self.stdout.write(f"wrote {path}")

    def _wait(self, base: str, server: subprocess.Popen[bytes]) -> None:
        # Three minutes by the clock: on a busy machine the server's start alone can take
        # more than the one minute that used to be counted in tries.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("the demo server stopped before it answered")
            try:
                with urllib.request.urlopen(f"{base}/staff/login/", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.5)
        raise CommandError("the demo server did not answer within three minutes")

    def _shoot(self, browser: Any, base: str, ids: dict[str, Any], out: Path) -> list[Path]:
        written: list[Path] = []

        def context(viewport: dict[str, int]) -> Any:
            return browser.new_context(
                base_url=base,
                locale=LANGUAGE,
                extra_http_headers={"Accept-Language": LANGUAGE},
                viewport=viewport,
            )

        def shot(page: Any, path: str, name: str) -> None:
            response = page.goto(path)
            if response is None or response.status != 200:
                raise CommandError(f"{path} answered {response.status if response else 'nothing'}")
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            written.append(target)

        def login(page: Any, who: dict[str, str]) -> None:
            page.goto("/staff/login/")
            page.locator("#id_username").fill(who["username"])
            page.locator("#id_password").fill(who["password"])
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(lambda url: "/staff/login/" not in url)
            if "/mfa/" in page.url:
                page.locator("#id_token").fill(_token(who["key"]))
                page.locator("main form button[type=submit]").click()
                page.wait_for_url(lambda url: "/mfa/" not in url)

        staff = context(DESKTOP)
        page = staff.new_page()
        login(page, ids["handler"])
        shot(page, "/staff/", "dashboard")
        shot(page, f"/staff/register/persons/{ids['person']}/", "person")
        shot(page, f"/staff/rights/{ids['request']}/", "request")
        staff.close()

        staff = context(DESKTOP)
        page = staff.new_page()
        login(page, ids["sender"])
        shot(page, f"/staff/marketing/campaigns/{ids['campaign']}/", "campaign")
        staff.close()

        public = context(DESKTOP)
        shot(public.new_page(), "/", "portal")
        public.close()
        phone = context(PHONE)
        shot(phone.new_page(), "/", "portal-360")
        phone.close()
        return written


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS
