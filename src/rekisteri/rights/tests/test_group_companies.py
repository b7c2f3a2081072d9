"""A DPO of one group company handles that company's persons only (issue 12).

Reproduced as the issue found it: dpo.fi named a Swedish person's id in an access request,
fulfilled it and downloaded a package holding 18 categories of the Swedish person's data;
with kind=erasure, dpo.fi erased a Swedish person whose page was 404 to them. Each way in
is closed twice: by the scoped selectors of the pages, and again in the services.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import scope_for
from rekisteri.api.tests.conftest import ApiClient
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.register.models import Person
from rekisteri.rights import services
from rekisteri.rights.models import Package, RequestSubject, RightsRequest
from rekisteri.rights.tests.rows import fill_every_model

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def packages_dir(settings: Any, tmp_path: Any) -> Any:
    settings.PACKAGES_DIR = tmp_path / "packages"
    return settings.PACKAGES_DIR


@pytest.fixture
def swedish(make_person: Any, se_controller: Any) -> Any:
    person = make_person(
        first_name="Stina",
        last_name="Svenskström",
        email="stina@example.se",
        controller=se_controller,
    )
    fill_every_model(person)
    return person


@pytest.fixture
def finnish(make_person: Any) -> Any:
    return make_person(first_name="Aino", last_name="Suomalainen", email="aino@example.fi")


def _dpo_client(staff: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["dpo"])
    return client


def _new_request(client: Client, kind: str, person_ids: str) -> Any:
    return client.post(
        reverse("rights:request_new"),
        {
            "kind": kind,
            "channel": "letter",
            "language": "en",
            "requester_name": "Requester",
            "person_ids": person_ids,
            "verification_method": "signed_letter",
        },
    )


def _packages_hold(person: Any, packages_dir: Any) -> bool:
    needles = [person.last_name.encode(), b"stina@example.se"]
    for path in packages_dir.glob("*.zip") if packages_dir.exists() else []:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if any(n in zf.read(name) for n in needles):
                    return True
    return False


@pytest.mark.parametrize("kind", ["access", "portability", "erasure", "restriction"])
def test_dpo_naming_another_companys_person_gets_an_error_and_nothing_is_created(
    staff, finnish, swedish, packages_dir, kind
):
    client = _dpo_client(staff)
    requests, packages = RightsRequest.objects.count(), Package.objects.count()
    response = _new_request(client, kind, f"{finnish.pk}, {swedish.pk}")
    assert response.status_code == 200  # the form again, with the error on the field
    errors = response.context["form"].errors
    assert "person_ids" in errors
    assert str(swedish.pk) in errors["person_ids"][0]
    assert "register of your group company" in errors["person_ids"][0]
    assert RightsRequest.objects.count() == requests
    assert Package.objects.count() == packages
    assert not _packages_hold(swedish, packages_dir)
    swedish.refresh_from_db()
    assert Person.objects.filter(pk=swedish.pk).exists()
    assert swedish.restricted_since is None


def test_access_request_then_confirming_the_swedish_person_by_id_is_refused(
    staff, finnish, swedish, packages_dir
):
    """The issue's second way in: confirm checked `add_person` but not `person`."""
    client = _dpo_client(staff)
    assert _new_request(client, "access", str(finnish.pk)).status_code == 302
    r = RightsRequest.objects.latest("pk")
    action = reverse("rights:request_action", args=[r.pk, "confirm"])
    for data in ({"person": [finnish.pk, swedish.pk]}, {"add_person": str(swedish.pk)}):
        page = client.post(action, data, follow=True).content.decode()
        assert "register of your group company" in page
        assert not r.subjects.filter(person=swedish).exists()
    client.post(reverse("rights:request_action", args=[r.pk, "fulfil"]))
    r.refresh_from_db()
    assert r.status == "completed"
    package = Package.objects.get(request=r)
    assert set(package.persons.values_list("pk", flat=True)) == {finnish.pk}
    assert not _packages_hold(swedish, packages_dir)


def test_erasure_request_naming_the_swedish_person_does_not_erase_them(staff, finnish, swedish):
    client = _dpo_client(staff)
    requests = RightsRequest.objects.count()
    _new_request(client, "erasure", str(swedish.pk))
    assert RightsRequest.objects.count() == requests
    # Even a request that names them (written past the pages) is refused at fulfilment.
    assert _new_request(client, "erasure", str(finnish.pk)).status_code == 302
    r = RightsRequest.objects.latest("pk")
    RequestSubject.objects.create(
        request=r, person=swedish, matched_by="staff", confirmed_at=timezone.now()
    )
    page = client.post(
        reverse("rights:request_action", args=[r.pk, "fulfil"]), follow=True
    ).content.decode()
    assert "another group company" in page
    assert Person.objects.filter(pk=swedish.pk).exists()
    assert Person.objects.filter(pk=finnish.pk).exists()  # nothing half done
    r.refresh_from_db()
    assert r.status == "open"


def test_services_refuse_another_companys_person_whatever_the_caller_checked(
    staff, actor, swedish, dpo
):
    packages = Package.objects.count()
    with pytest.raises(ProcessingRefused):
        services.erasure_execute(scope=dpo, actor=actor, person=swedish)
    with pytest.raises(ProcessingRefused):
        services.erasure_plan(scope=dpo, person=swedish)
    with pytest.raises(ProcessingRefused):
        services.access_package_create(scope=dpo, actor=actor, person_ids=[swedish.pk], lang="en")
    with pytest.raises(ProcessingRefused):
        services.portability_package_create(scope=dpo, actor=actor, person_ids=[swedish.pk])
    with pytest.raises(ProcessingRefused):
        services.restriction_set(scope=dpo, actor=actor, person=swedish, ground="contested")
    with pytest.raises(ProcessingRefused):
        services.rectification_apply(
            scope=dpo, actor=actor, person=swedish, changes={"first_name": "X"}
        )
    with pytest.raises(services.RightsError):
        services.request_create_staff(
            scope=dpo, actor=actor, kind="access", channel="email", person_ids=[swedish.pk]
        )
    assert Person.objects.filter(pk=swedish.pk, first_name="Stina").exists()
    assert Package.objects.count() == packages
    # A user without the capability gets nothing done even with a person of their company.
    with pytest.raises(ProcessingRefused):
        services.erasure_plan(scope=scope_for(staff["sales"]), person=swedish)


def test_another_companys_request_and_package_are_404(
    staff, outsider, se_controller, swedish, finnish, actor
):
    from rekisteri.testing.fixtures import make_staff

    swedish_dpo = scope_for(make_staff("dpo.se", ["dpo"], [se_controller]))
    r, _token = services.request_create_staff(
        scope=swedish_dpo,
        actor=actor,
        kind="access",
        channel="email",
        person_ids=[swedish.pk],
        verification_method="known_email",
    )
    package = services.request_fulfil(scope=swedish_dpo, actor=actor, request=r).package
    client = _dpo_client(staff)
    assert client.get(reverse("rights:request_detail", args=[r.pk])).status_code == 404
    assert client.get(reverse("rights:package_download", args=[package.pk])).status_code == 404
    assert client.post(reverse("rights:request_action", args=[r.pk, "assign"])).status_code == 404
    api = ApiClient(staff["dpo"])
    assert api.get(f"/rights/requests/{r.pk}").status_code == 404
    assert r.pk not in [row["id"] for row in api.get("/rights/requests?show=all").json()]
    queue = client.get(reverse("rights:queue") + "?show=all").content.decode()
    assert r.reference not in queue
    # An unmatched request recorded by the Swedish DPO is theirs too.
    empty, _token = services.request_create_staff(
        scope=swedish_dpo, actor=actor, kind="access", channel="letter"
    )
    assert client.get(reverse("rights:request_detail", args=[empty.pk])).status_code == 404


def test_request_matching_two_companies_shows_each_dpo_only_their_records(
    staff, finnish, make_person, se_controller, actor, dpo
):
    swedish = make_person(first_name="Aino", email="aino@example.fi", controller=se_controller)
    services.request_submit_public(kind="access", email="aino@example.fi")
    r = RightsRequest.objects.latest("pk")
    assert set(r.subjects.values_list("person_id", flat=True)) == {finnish.pk, swedish.pk}
    body = ApiClient(staff["dpo"]).get(f"/rights/requests/{r.pk}").json()
    assert body["person_ids"] == [finnish.pk]
    page = _dpo_client(staff).get(reverse("rights:request_detail", args=[r.pk]))
    assert [s.person_id for s in page.context["subjects"]] == [finnish.pk]
    assert page.context["other_subjects"] == 1
    assert "Exempel" not in page.content.decode()  # not even the other company's name


def test_access_package_holds_the_persons_access_log_without_staff_names(
    fi_controller, finnish, actor, dpo, packages_dir
):
    """The package said "not_available: audit_access_log_for_package" (a function that did
    not exist); now it holds who looked at the data, when, what and why."""
    from rekisteri.testing.fixtures import make_staff

    colleague = make_staff("tuula.virtanen", ["sales"], [fi_controller])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(colleague)
    assert client.get(reverse("register:person_detail", args=[finnish.pk])).status_code == 200
    path = services.access_package_build(scope=dpo, actor=actor, person_ids=[finnish.pk], lang="en")
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("data.json"))
        files = {name: zf.read(name).decode() for name in zf.namelist()}
    assert "not_available" not in doc
    views = [e for e in doc["access_log"] if e["action"] == "view"]
    assert views, "the colleague's look at the person is in the log"
    seen = views[-1]
    assert seen["actor"] == "staff" and seen["person_id"] == finnish.pk
    assert seen["at"][:10] == timezone.now().isoformat()[:10]
    assert seen["purpose_names"] and all(seen["purpose_names"])
    assert seen["category_names"]
    names = {p.name["en"] for p in catalogue_snapshot().purposes.values()}
    assert set(seen["purpose_names"]) <= names  # the catalogue's names, in English
    created = next(e for e in doc["access_log"] if e["action"] == "create")
    assert created["action_label"] == "create"
    for name, text in files.items():
        assert "tuula.virtanen" not in text, f"a colleague's name in {name}"
    assert "Who has processed your data" in files["report.html"]
    assert "staff" in files["access_log.csv"]
