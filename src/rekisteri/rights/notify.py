"""Emails to the requester, in their language, through the mail outbox.

Rendered now and queued in the caller's transaction (`rekisteri.mail.outbox.enqueue`): the
message exists if and only if the request's change committed, and the outbox sends it with
retries. Links point at settings.BASE_URL. Bodies hold links and references, never the
register's data about the person (that is what the verified download is for).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from rekisteri.mail.models import MessageKind
from rekisteri.mail.outbox import enqueue
from rekisteri.register.models import record_key
from rekisteri.rights.selectors import supervisory_authorities


def absolute(url_name: str, **kwargs: Any) -> str:
    return settings.BASE_URL + reverse(url_name, kwargs=kwargs)


def send_later(*, to: str, lang: str, template: str, context: dict[str, Any]) -> None:
    """Render now (in the person's language) and queue it in the outbox, in the caller's
    transaction. The context names the request (or the person) the message is about."""
    if not to:
        return
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    with translation.override(lang):
        ctx = {**context, "authorities": supervisory_authorities(), "lang": lang}
        subject = render_to_string(f"rights/email/{template}_subject.txt", ctx).strip()
        body = render_to_string(f"rights/email/{template}.txt", ctx)
    request, person = context.get("request"), context.get("person")
    if request is not None:
        reference = record_key(request)
        subjects = list(
            request.subjects.order_by("pk").values_list("person_id", "person__controller_id")[:2]
        )
        person_id = subjects[0][0] if len(subjects) == 1 else None
        # A public request has no company of its own: its first matched person's.
        controller_id = request.controller_id or (subjects[0][1] if subjects else None)
    elif person is not None:
        controller_id, reference, person_id = person.controller_id, record_key(person), person.pk
    else:
        raise ValueError("a rights notice names its request or its person")
    enqueue(
        controller_id=controller_id,
        to=to,
        subject=subject,
        body=body,
        kind=MessageKind.RIGHTS_NOTICE,
        person_id=person_id,
        reference=reference,
    )
