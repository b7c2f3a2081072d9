"""The disclosure log's pages as a user works them: the log is a table with filters by
recipient name and basis; a disclosure is recorded by choosing the recipient by name and
finding the persons by name (or coming from a person's page), never typing a code or an id."""

from __future__ import annotations

import re

from rekisteri.disclosures.models import Disclosure


def _options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return {
        v: " ".join(t.split())
        for v, t in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    }


def test_a_disclosure_is_recorded_by_names_and_shown_in_the_table(client, staff, make_person):
    aino = make_person(first_name="Aino", last_name="Välilyönti")
    make_person(first_name="Olli", last_name="Muu")
    client.force_login(staff["finance"])
    client.cookies["django_language"] = "fi"
    page = client.get("/staff/disclosures/new/?q=valily", HTTP_ACCEPT_LANGUAGE="fi")
    html = page.content.decode()
    # the recipient is chosen by its Finnish name, the persons by theirs: no code, no id box
    recipients = _options(html, "recipient_code")
    assert "credit_agency" in recipients and "credit_agency" not in recipients["credit_agency"]
    assert 'name="person_ids"' not in html
    assert f'value="{aino.pk}"' in html and "Välilyönti" in html and "Muu" not in html
    resp = client.post(
        "/staff/disclosures/new/?q=valily",
        {
            "recipient_code": "credit_agency",
            "categories": ["billing"],
            "basis": "contract",
            "reason": "luottotarkastus ennen tilausta",
            "persons": [str(aino.pk)],
        },
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    disclosure = Disclosure.objects.get()
    assert list(disclosure.persons.values_list("person_id", flat=True)) == [aino.pk]

    log = client.get("/staff/disclosures/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "<table" in log and "luottotarkastus ennen tilausta" in log
    assert "credit_agency" not in log.split("<table", 1)[1].split("</table>")[0]
    # filtered by the recipient (chosen by name) and the basis
    other = next(c for c in _options(log, "recipient") if c and c != "credit_agency")
    shown = client.get("/staff/disclosures/?recipient=credit_agency&basis=contract").content
    assert "luottotarkastus" in shown.decode()
    none = client.get(f"/staff/disclosures/?recipient={other}").content.decode()
    assert "luottotarkastus" not in none and "Suodattimia vastaavia luovutuksia ei ole." in none


def test_a_persons_disclosures_are_reached_from_their_page(client, staff, make_person):
    aino = make_person(first_name="Aino", last_name="Virtanen")
    client.force_login(staff["dpo"])
    person_page = client.get(f"/staff/register/persons/{aino.pk}/").content.decode()
    assert f'href="/staff/disclosures/persons/{aino.pk}/"' in person_page
    theirs = client.get(f"/staff/disclosures/persons/{aino.pk}/").content.decode()
    assert "Virtanen" in theirs
    # the page's heading is the person's name: that reading is in their access log
    from rekisteri.audit.models import AuditEvent

    opened = AuditEvent.objects.filter(
        subjects__person_id=aino.pk, action="view", reason="the person's disclosures"
    )
    assert opened.count() == 1 and opened.get().actor == staff["dpo"].username
    assert f'href="/staff/disclosures/new/?person={aino.pk}"' in theirs
    form = client.get(f"/staff/disclosures/new/?person={aino.pk}").content.decode()
    # the person comes ticked, by name
    assert re.search(rf'<input[^>]*value="{aino.pk}"[^>]*checked', form), form
    assert "Virtanen" in form
