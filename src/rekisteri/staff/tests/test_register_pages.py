"""The staff pages of the register, through Django's test client (no browser)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction, AuditEvent
from rekisteri.register.models import Organization, Person, Provenance
from rekisteri.register.services import organization_create
from rekisteri.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def restrict(person: Person) -> None:
    # Restriction is set by rekisteri.rights; the pages only have to show and honour it.
    Person.objects.filter(pk=person.pk).update(restricted_since=timezone.now())


@pytest.fixture
def sales(staff: dict[str, Any]) -> Client:
    return client_for(staff["sales"])


def test_anonymous_user_is_sent_to_the_login_page(db: Any) -> None:
    response = Client().get(reverse("register:person_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff:login"))


def test_login_with_the_right_password_opens_the_home_page(staff: dict[str, Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("staff:login"), {"username": "sales", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("staff:home")
    assert "Welcome, sales" in response.content.decode()


def test_login_with_a_wrong_password_says_so(staff: dict[str, Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("staff:login"), {"username": "sales", "password": "nope"})
    assert response.status_code == 200
    assert "user name or password is wrong" in response.content.decode()


def test_person_search_by_name_prefix_links_results_as_opened_from_search(
    sales: Client, make_person: Any
) -> None:
    wanted = make_person(first_name="Aino", last_name="Virtanen")
    make_person(first_name="Bertil", last_name="Lindqvist")
    page = sales.get(reverse("register:person_list"), {"q": "virt"}).content.decode()
    assert "Virtanen, Aino" in page
    assert "Lindqvist" not in page
    assert f"{reverse('register:person_detail', args=[wanted.pk])}?from=search" in page


def test_person_search_by_email_prefix(sales: Client, make_person: Any) -> None:
    make_person(first_name="Aino", last_name="Virtanen", email="aino.v@firma.fi")
    make_person(first_name="Bertil", last_name="Lindqvist", email="bertil@bolag.se")
    page = sales.get(reverse("register:person_list"), {"q": "aino.v@"}).content.decode()
    assert "Virtanen" in page
    assert "Lindqvist" not in page


def test_opening_a_person_from_search_results_is_audited_as_such(
    sales: Client, make_person: Any
) -> None:
    person = make_person()
    url = reverse("register:person_detail", args=[person.pk])
    sales.get(url + "?from=search")
    sales.get(url)
    actions = list(
        AuditEvent.objects.filter(person_id=person.pk, actor="sales")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.OPEN_FROM_SEARCH, AuditAction.VIEW]


def test_person_detail_shows_details_contact_and_provenance(
    sales: Client, make_person: Any
) -> None:
    person = make_person(first_name="Aino", last_name="Virtanen", email="aino@firma.fi")
    page = sales.get(reverse("register:person_detail", args=[person.pk])).content.decode()
    assert "Aino Virtanen" in page
    assert "aino@firma.fi" in page
    assert "Where the data came from" in page
    assert "The person themself" in page  # the source kind of the fixture's person_create
    assert "Customer" in page or "customer" in page  # the purpose, by its catalogue name


def test_restricted_person_is_marked_in_the_list_and_on_the_detail_page(
    sales: Client, make_person: Any
) -> None:
    person = make_person(last_name="Rajoitettu")
    restrict(person)
    listing = sales.get(reverse("register:person_list"), {"q": "rajoi"}).content.decode()
    detail = sales.get(reverse("register:person_detail", args=[person.pk])).content.decode()
    assert "Processing restricted" in listing
    assert "Processing restricted" in detail


def test_person_list_pages_through_results(sales: Client, make_person: Any) -> None:
    for n in range(52):
        make_person(last_name=f"Sivu{n:02d}")
    first = sales.get(reverse("register:person_list"), {"q": "sivu"}).content.decode()
    second = sales.get(reverse("register:person_list"), {"q": "sivu", "page": 2})
    assert "Sivu00" in first and "Sivu51" not in first
    assert 'rel="next"' in first
    assert "Sivu51" in second.content.decode()
    assert 'rel="next"' not in second.content.decode()


def test_user_of_another_group_company_gets_404_for_a_person(
    outsider: Any, make_person: Any
) -> None:
    person = make_person()
    client = client_for(outsider)
    assert client.get(reverse("register:person_detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("register:person_edit", args=[person.pk])).status_code == 404


def _person_post(**data: Any) -> dict[str, Any]:
    values = {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "language": "fi",
        "email": "aino@firma.fi",
        "source_kind": "public_register",
        "source_name": "Kaupparekisteri",
        "purpose": "customer_management",
    }
    values.update(data)
    return values


def test_person_create_with_a_bad_email_shows_the_error_at_the_field(
    sales: Client, fi_controller: Any
) -> None:
    data = _person_post(controller=fi_controller.pk, email="not-an-address@")
    response = sales.post(reverse("register:person_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_error"' in page
    assert "not a valid email address" in page
    assert not Person.objects.filter(last_name="Virtanen").exists()


def test_person_create_without_last_name_says_it_is_required(
    sales: Client, fi_controller: Any
) -> None:
    data = _person_post(controller=fi_controller.pk, last_name="")
    page = sales.post(reverse("register:person_create"), data).content.decode()
    assert 'id="id_last_name_error"' in page
    assert "is required" in page


def test_person_create_records_where_the_data_came_from(sales: Client, fi_controller: Any) -> None:
    data = _person_post(controller=fi_controller.pk)
    response = sales.post(reverse("register:person_create"), data)
    person = Person.objects.get(last_name="Virtanen")
    assert response.url == reverse("register:person_detail", args=[person.pk])
    prov = Provenance.objects.filter(person=person, record=f"register.Person:{person.pk}").get()
    assert (prov.source_kind, prov.source_name, prov.recorded_by) == (
        "public_register",
        "Kaupparekisteri",
        "sales",
    )


def test_person_edit_saves_a_change(sales: Client, make_person: Any) -> None:
    person = make_person(first_name="Aino", last_name="Virtanen")
    url = reverse("register:person_edit", args=[person.pk])
    form = sales.get(url).content.decode()
    assert 'value="Virtanen"' in form
    response = sales.post(url, _person_post(title="Toimitusjohtaja"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.title == "Toimitusjohtaja"


def test_editing_a_restricted_person_is_refused_with_the_reason(
    sales: Client, make_person: Any
) -> None:
    person = make_person(first_name="Aino", last_name="Virtanen")
    restrict(person)
    url = reverse("register:person_edit", args=[person.pk])
    shown = sales.get(url)
    posted = sales.post(url, _person_post(title="Changed"))
    assert shown.status_code == 403
    assert "restricted (GDPR Art. 18)" in shown.content.decode()
    assert posted.status_code == 403
    assert "restricted (GDPR Art. 18)" in posted.content.decode()
    person.refresh_from_db()
    assert person.title == ""


def test_organization_create_with_a_bad_ytunnus_shows_the_error_and_saves_nothing(
    sales: Client, fi_controller: Any
) -> None:
    data = {"controller": fi_controller.pk, "name": "Firma Oy", "country": "FI"}
    response = sales.post(
        reverse("register:organization_create"), {**data, "business_id": "1234567-9"}
    )
    page = response.content.decode()
    assert 'id="id_business_id_error"' in page
    assert "not a valid Y-tunnus" in page
    assert not Organization.objects.filter(name="Firma Oy").exists()


def test_organization_create_and_detail_show_relationships(
    sales: Client, fi_controller: Any
) -> None:
    data = {
        "controller": fi_controller.pk,
        "name": "Firma Oy",
        "country": "FI",
        "business_id": "0112038-9",
        "relationship": ["customer"],
    }
    response = sales.post(reverse("register:organization_create"), data, follow=True)
    page = response.content.decode()
    assert "Firma Oy" in page and "0112038-9" in page
    assert "Customer" in page


def test_organization_detail_lists_its_persons_with_the_restricted_marker(
    sales: Client, fi_controller: Any, actor: Any, make_person: Any
) -> None:
    org = organization_create(
        actor=actor,
        controller=fi_controller,
        data={"name": "Firma Oy", "business_id": "0112038-9"},
        scope=system_scope("test"),
    )
    person = make_person(last_name="Kontakti", organization_business_id="0112038-9")
    restrict(person)
    page = sales.get(reverse("register:organization_detail", args=[org.pk])).content.decode()
    assert "Kontakti" in page
    assert "Processing restricted" in page


def test_organization_edit_shows_field_error(sales: Client, fi_controller: Any, actor: Any) -> None:
    org = organization_create(
        actor=actor, controller=fi_controller, data={"name": "Firma Oy"}, scope=system_scope("test")
    )
    url = reverse("register:organization_edit", args=[org.pk])
    page = sales.post(url, {"name": "", "country": "FI"}).content.decode()
    assert 'id="id_name_error"' in page
    org.refresh_from_db()
    assert org.name == "Firma Oy"


def test_pages_speak_finnish_and_swedish(staff: dict[str, Any]) -> None:
    fi = client_for(staff["sales"], language="fi").get(reverse("register:person_list"))
    sv = client_for(staff["sales"], language="sv").get(reverse("register:person_list"))
    assert "Henkilöt" in fi.content.decode() and "Lisää henkilö" in fi.content.decode()
    assert "Personer" in sv.content.decode() and "Lägg till en person" in sv.content.decode()


def test_field_errors_from_the_services_are_shown_in_the_users_language(
    staff: dict[str, Any], fi_controller: Any
) -> None:
    client = client_for(staff["sales"], language="fi")
    data = _person_post(controller=fi_controller.pk, last_name="", email="x@")
    page = client.post(reverse("register:person_create"), data).content.decode()
    assert "on pakollinen" in page
    assert "sähköpostiosoite ei kelpaa" in page


def test_refusal_of_a_restricted_person_is_shown_in_swedish(
    staff: dict[str, Any], make_person: Any
) -> None:
    person = make_person()
    restrict(person)
    client = client_for(staff["sales"], language="sv")
    page = client.get(reverse("register:person_edit", args=[person.pk])).content.decode()
    assert "Behandlingen av den här personens uppgifter är begränsad" in page


def test_menu_offers_each_role_only_the_pages_it_may_reach(staff: dict[str, Any]) -> None:
    sales = client_for(staff["sales"]).get(reverse("staff:home")).content.decode()
    marketing = client_for(staff["marketing"]).get(reverse("staff:home")).content.decode()
    assert 'href="/staff/marketing/"' not in sales
    assert 'href="/staff/marketing/"' in marketing
    assert f'href="{reverse("register:person_list")}"' in sales


def test_person_page_links_the_dpo_to_the_persons_rights_and_access_log(
    staff: dict[str, Any], make_person: Any
) -> None:
    person = make_person()
    url = reverse("register:person_detail", args=[person.pk])
    dpo = client_for(staff["dpo"]).get(url).content.decode()
    sales = client_for(staff["sales"]).get(url).content.decode()
    assert reverse("audit:person_log", args=[person.pk]) in dpo
    assert reverse("audit:person_log", args=[person.pk]) not in sales
