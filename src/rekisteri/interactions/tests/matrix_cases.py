"""Interaction routes in the permission matrix (see rekisteri.testing.matrix)."""

from __future__ import annotations

from typing import Any

from rekisteri.testing.matrix import OTHER, OWN, Case, World, person_kwargs


def _attachment(w: World, owner: str) -> dict[str, Any]:
    """A letter with an attachment, of the owner's person (communications)."""

    def make() -> int:
        from rekisteri.interactions.files import file_store
        from rekisteri.interactions.models import Communication

        person = w.person(owner)
        return Communication.objects.create(
            controller=person.controller,
            person=person,
            channel="letter",
            subject="matrix",
            attachment=file_store(data=b"%PDF-1.4 matrix", content_type="application/pdf"),
        ).pk

    return {"kind": "communication", "pk": w.once(f"letter-{owner}", make)}


def _call(w: World) -> dict[str, Any]:
    """A call recording with audio, of the own person (call recordings)."""

    def make() -> int:
        from rekisteri.interactions.files import file_store
        from rekisteri.interactions.models import CallRecording

        person = w.person(OWN)
        return CallRecording.objects.create(
            controller=person.controller,
            person=person,
            summary="matrix",
            audio=file_store(data=b"RIFF....WAVE", content_type="audio/wav"),
        ).pk

    return {"kind": "call", "pk": w.once("call", make)}


def _org_note(w: World, owner: str) -> dict[str, Any]:
    """The organisation's timeline holds a chat of its person: what the timeline must not
    show another company."""
    return {"organization_id": w.organization(owner).pk}


def _list_query(w: World, owner: str) -> dict[str, Any]:
    return {"person_id": w.person(owner).pk}


def _org_query(w: World, owner: str) -> dict[str, Any]:
    return {"organization_id": w.organization(owner).pk}


CASES = {
    "interactions:person_timeline": Case(kwargs=person_kwargs),
    "interactions:organization_timeline": Case(kwargs=_org_note, owners=(OWN, OTHER)),
    "interactions:create": Case(kwargs=person_kwargs, shared="refused"),
    "interactions:file": Case(
        kwargs=_attachment,
        categories=frozenset({"communications"}),
        outside=_call,
        outside_categories=frozenset({"call_recordings"}),
    ),
    "api:interaction_list": Case(kwargs=_list_query),
    "api:interaction_create": Case(
        method="POST",
        data=lambda w, o: {
            "kind": "communication",
            "person_id": w.person(o).pk,
            "data": {"channel": "email_out", "subject": "matrix"},
        },
        categories=frozenset({"communications"}),
    ),
}
