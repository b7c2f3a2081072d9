"""Limits on the public forms that send mail (issue 14): per client address and in total.

The data-subject request form sends a confirmation mail to any registered address typed in
it. Without a limit one client could make it mail every registered person. Each POST counts
once for its client address (`common.client.client_ip`, which honours BEHIND_PROXY and the
trusted proxies) and once for everyone; past `PUBLIC_POSTS_PER_ADDRESS` or
`PUBLIC_POSTS_TOTAL` within the current window of `PUBLIC_POSTS_WINDOW` seconds the form
answers 429 with Retry-After until the window ends. Fixed windows: simple, one row per
address and window, at most twice the limit across a window's edge.

The counters keep no address in clear: the key is an HMAC of it with a key derived from the
field key, and a window's rows are deleted once it has passed.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rekisteri.common.client import client_ip
from rekisteri.common.crypto import keyed_hash
from rekisteri.portal.models import PostCounter

EVERYONE = "*"


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _count(key: str, window: datetime) -> int:
    """Add one to the key's counter in this window and return the new count."""
    counters = PostCounter.objects.filter(key=key, window_start=window)
    if not counters.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                PostCounter.objects.create(key=key, window_start=window, count=1)
        except IntegrityError:  # another request created it first
            counters.update(count=F("count") + 1)
    return counters.values_list("count", flat=True).get()


def address_key(address: str | None) -> str:
    return keyed_hash(address or "unknown", purpose="public-post-limit")


def post_refused(request: HttpRequest, context: dict[str, Any]) -> HttpResponse | None:
    """Count this POST; a 429 "try again later" page if a limit is passed, else None."""
    seconds = max(1, settings.PUBLIC_POSTS_WINDOW)
    now = timezone.now()
    window = _window_start(now, seconds)
    with transaction.atomic():
        PostCounter.objects.filter(window_start__lt=window).delete()  # expired windows
        over = _count(address_key(client_ip(request)), window) > settings.PUBLIC_POSTS_PER_ADDRESS
        # A client past its own limit does not use up everyone's.
        if not over:
            over = _count(EVERYONE, window) > settings.PUBLIC_POSTS_TOTAL
    if not over:
        return None
    retry = max(1, math.ceil((window + timedelta(seconds=seconds) - now).total_seconds()))
    response = render(
        request,
        "portal/limited.html",
        {**context, "minutes": max(1, math.ceil(retry / 60))},
        status=429,
    )
    response["Retry-After"] = str(retry)
    return response
