"""Who may reach interaction pages and API operations (see rekisteri.access.matrix).

Every staff role reaches the timelines: what each sees there is decided by data category
(a finance user sees invoices, not chat transcripts). Downloading a call recording needs a
purpose that covers call recordings.
"""

from __future__ import annotations

from typing import Any

from rekisteri.access.matrix import ALL_STAFF, Rule

_person = {"person_id": lambda f: f["person"].pk}
_organization = {"organization_id": lambda f: f["organization"].pk}
CALL_ROLES = frozenset({"sales", "customer_service", "compliance", "dpo"})


def _call_with_audio(f: dict[str, Any]) -> int:
    from rekisteri.interactions.files import file_store
    from rekisteri.interactions.models import CallRecording

    person = f["person"]
    call = CallRecording.objects.filter(person=person, audio__isnull=False).first()
    if call is None:
        call = CallRecording.objects.create(
            controller=person.controller,
            person=person,
            summary="matrix test",
            audio=file_store(data=b"audio", content_type="audio/wav"),
        )
    return call.pk


MATRIX = {
    "interactions:person_timeline": Rule(roles=ALL_STAFF, kwargs=_person),
    "interactions:organization_timeline": Rule(roles=ALL_STAFF, kwargs=_organization),
    "interactions:create": Rule(roles=ALL_STAFF, kwargs=_person),
    "interactions:file": Rule(
        roles=CALL_ROLES, kwargs={"kind": lambda f: "call", "pk": _call_with_audio}
    ),
    "api:interaction_list": Rule(roles=ALL_STAFF),
    "api:interaction_create": Rule(roles=ALL_STAFF, method="POST"),
}
