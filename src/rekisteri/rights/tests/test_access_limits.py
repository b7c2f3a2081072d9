"""Limits of access (issue 13, item 10): other persons of the register and staff members named
in free text are masked in the access package, and the DPO sees what before release."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.urls import reverse

from rekisteri.interactions.models import ChatTranscript, ServiceRequest, ServiceRequestEvent
from rekisteri.rights import services
from rekisteri.rights.packages import access_package_create, package_path

pytestmark = pytest.mark.django_db

TICKET = (
    "Asiakas kertoi, että Pekka Naapuri oli jo soittanut samasta viasta. "
    "Tiina Tukinen lupasi selvittää."
)


def _world(make_person, staff):
    subject = make_person(first_name="Maija", last_name="Asiakas", email="maija@example.fi")
    make_person(first_name="Pekka", last_name="Naapuri", email="pekka@example.fi")
    colleague = staff["customer_service"]
    colleague.first_name, colleague.last_name = "Tiina", "Tukinen"
    colleague.save(update_fields=["first_name", "last_name"])
    ticket = ServiceRequest.objects.create(
        controller=subject.controller, person=subject, subject="Vika", description=TICKET
    )
    ServiceRequestEvent.objects.create(
        request=ticket, kind="comment", note=f"Soitettu takaisin. ({colleague.username})"
    )
    ChatTranscript.objects.create(
        controller=subject.controller,
        person=subject,
        transcript="Maija Asiakas: hei! Naapuri Pekka suositteli teitä.",
    )
    return subject


def _package_values(package, record_prefix):
    with zipfile.ZipFile(package_path(package)) as zf:
        document = json.loads(zf.read("data.json"))
        html = zf.read("report.html").decode()
    values = {
        (i["record"].split(":")[0], i["field"]): i["value"]
        for i in document["items"]
        if i["record"].startswith(record_prefix)
    }
    return values, document, html


def test_others_named_in_free_text_are_masked_in_the_access_package(make_person, staff, actor, dpo):
    subject = _world(make_person, staff)
    package = access_package_create(scope=dpo, actor=actor, person_ids=[subject.pk], lang="fi")
    values, document, html = _package_values(package, "interactions.")
    description = values[("interactions.ServiceRequest", "description")]
    assert "Pekka Naapuri" not in description and "Tiina Tukinen" not in description
    assert description == (
        "Asiakas kertoi, että [toinen henkilö] oli jo soittanut samasta viasta. "
        "[henkilökunnan jäsen] lupasi selvittää."
    )
    note = values[("interactions.ServiceRequestEvent", "note")]
    assert note == "Soitettu takaisin. ([henkilökunnan jäsen])"
    # The person's own name stays; another's written last name first is masked too.
    transcript = values[("interactions.ChatTranscript", "transcript")]
    assert transcript == "Maija Asiakas: hei! [toinen henkilö] suositteli teitä."
    assert "Pekka Naapuri" not in html and "Tiina Tukinen" not in html
    masked = {(m["model"], m["field"]): (m["person"], m["staff"]) for m in document["masked"]}
    assert masked == {
        ("interactions.ServiceRequest", "description"): (1, 1),
        ("interactions.ServiceRequestEvent", "note"): (0, 1),
        ("interactions.ChatTranscript", "transcript"): (1, 0),
    }


def test_the_package_is_in_english_for_an_english_request(make_person, staff, actor, dpo):
    subject = _world(make_person, staff)
    package = access_package_create(scope=dpo, actor=actor, person_ids=[subject.pk], lang="en")
    values, _, _ = _package_values(package, "interactions.ServiceRequest:")
    assert "[another person]" in values[("interactions.ServiceRequest", "description")]
    assert "[staff member]" in values[("interactions.ServiceRequest", "description")]


def test_the_dpo_sees_what_will_be_masked_before_releasing(client, make_person, staff, actor, dpo):
    subject = _world(make_person, staff)
    r, _ = services.request_create_staff(
        scope=dpo,
        actor=actor,
        kind="access",
        channel="email",
        requester_email="maija@example.fi",
        person_ids=[subject.pk],
        verification_method="known_email",
    )
    client.force_login(staff["dpo"])
    page = client.get(reverse("rights:request_detail", args=[r.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Masked in the package" in html
    masking = page.context["masking"]
    assert (masking["person"], masking["staff"]) == (2, 2)
    assert {m["field_label"] for m in masking["fields"]} == {"description", "transcript", "note"}
    assert "2 mentions of other persons of the register" in html
    # Counts and places only: the text itself is not on the page.
    assert "Pekka Naapuri" not in html and "Tiina Tukinen" not in html


def test_free_text_naming_nobody_else_is_left_as_it_is(make_person, staff, actor, dpo):
    subject = make_person(first_name="Maija", last_name="Asiakas")
    ServiceRequest.objects.create(
        controller=subject.controller, person=subject, description="Tulostin ei toimi."
    )
    package = access_package_create(scope=dpo, actor=actor, person_ids=[subject.pk], lang="fi")
    values, document, _ = _package_values(package, "interactions.ServiceRequest:")
    assert values[("interactions.ServiceRequest", "description")] == "Tulostin ei toimi."
    assert document["masked"] == []
