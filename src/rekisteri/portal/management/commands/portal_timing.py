"""rekisteri portal_timing [--requests N]: time the request form, registered vs unknown."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rekisteri.portal.timing import probe


class Command(BaseCommand):
    help = (
        "Time the public request form for registered and unknown addresses (medians and "
        "Mann-Whitney z), in a transaction that is rolled back; prints JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=60)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(probe(requests=options["requests"])))
