import re

from django.test import Client

from rekisteri.access.selectors import system_scope
from rekisteri.marketing.models import Campaign


def login(user):  # type: ignore[no-untyped-def]
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_marketer_creates_campaign_and_sees_who_is_left_out_and_why(staff, make_person, actor):
    from rekisteri.consent.services import marketing_objection_record

    make_person(first_name="Bea", email="bea@yritys.fi", is_contact_person=True)
    olli = make_person(first_name="Olli", email="olli@yritys.fi", is_contact_person=True)
    marketing_objection_record(actor=actor, person=olli, source="staff", scope=system_scope("test"))
    c = login(staff["marketing"])
    response = c.post(
        "/staff/marketing/campaigns/new/",
        {
            "name": "Kevät",
            "purpose": "marketing",
            "subject_fi": "Hei",
            "body_fi": "Tekstiä",
            "rate": "10",
        },
    )
    campaign = Campaign.objects.get(name="Kevät")
    assert response.status_code == 302
    page = c.get(f"/staff/marketing/campaigns/{campaign.pk}/").content.decode()
    assert "1 recipient" in page
    assert "Olli" in page and "objected" in page
    # Each reason in words, never its code (the page showed NO_ADDRESS and "subscribed 24").
    from rekisteri.consent.selectors import ALLOWED_CODES, EXCLUSION_CODES

    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", page)
    assert not set(ALLOWED_CODES | set(EXCLUSION_CODES)) & {c.strip() for c in cells}
    assert "Not possible: no address on this channel." in page


def test_sales_cannot_open_marketing_pages_but_sees_the_permission_on_the_person(
    staff, make_person
):
    person = make_person(is_contact_person=True)
    c = login(staff["sales"])
    assert c.get("/staff/marketing/campaigns/").status_code == 403
    fragment = c.get(f"/staff/consent/persons/{person.pk}/permission/")
    assert fragment.status_code == 200
    assert "business contact may receive marketing" in fragment.content.decode()


def test_staff_records_consent_and_withdrawal_with_one_click_each(staff, make_person):
    person = make_person(is_consumer=True)
    c = login(staff["marketing"])
    url = f"/staff/consent/persons/{person.pk}/record/"
    form = {"purpose": "direct_marketing", "channel": "email", "method": "call", "text": "Kyllä"}
    c.post(url, {**form, "state": "granted"})
    assert "allowed" in c.get(f"/staff/consent/persons/{person.pk}/permission/").content.decode()
    c.post(url, {**form, "state": "withdrawn"})
    page = c.get(f"/staff/consent/persons/{person.pk}/").content.decode()
    assert "superseded" in page and "Consent withdrawn" in page


def test_marketer_edits_a_draft_but_not_a_campaign_that_was_sent(
    staff, fi_controller, actor, scope
):
    from rekisteri.marketing.services import campaign_save, mailing_list_create

    news = mailing_list_create(actor=actor, scope=scope, controller=fi_controller, name="Uutiset")
    draft = campaign_save(
        actor=actor,
        scope=scope,
        controller=fi_controller,
        data={"name": "Syksy", "subject_fi": "Hei", "body_fi": "Vanha teksti", "rate": 5},
    )
    c = login(staff["marketing"])
    detail = c.get(f"/staff/marketing/campaigns/{draft.pk}/").content.decode()
    edit_url = f"/staff/marketing/campaigns/{draft.pk}/edit/"
    assert edit_url in detail
    form = c.get(edit_url).content.decode()
    assert "Vanha teksti" in form and 'value="Hei"' in form  # the draft, filled in

    # A bad change names the field and keeps what was typed; nothing is saved.
    bad = c.post(edit_url, {"name": "Syksy", "subject_fi": "", "body_fi": "Uusi", "rate": "5"})
    assert bad.status_code == 400
    assert "subject_fi" in bad.content.decode() and "Uusi" in bad.content.decode()
    draft.refresh_from_db()
    assert draft.body_fi == "Vanha teksti"

    ok = c.post(
        edit_url,
        {
            "name": "Syksy 2026",
            "purpose": "marketing",
            "subject_fi": "Hei taas",
            "body_fi": "Uusi teksti",
            "subject_sv": "Hej",
            "body_sv": "Ny text",
            "rate": "20",
            "lists": [str(news.pk)],
        },
        follow=True,
    )
    assert "The changes were saved." in ok.content.decode()
    draft.refresh_from_db()
    assert (draft.name, draft.body_fi, draft.body_sv, draft.rate) == (
        "Syksy 2026",
        "Uusi teksti",
        "Ny text",
        20,
    )
    assert list(draft.lists.all()) == [news]

    Campaign.objects.filter(pk=draft.pk).update(status="sent")
    refused = c.post(edit_url, {"name": "X", "subject_fi": "X", "body_fi": "X"}, follow=True)
    assert "Only a draft can be changed." in refused.content.decode()
    draft.refresh_from_db()
    assert draft.name == "Syksy 2026"
