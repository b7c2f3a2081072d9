import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client


def share_create(person, purpose):  # type: ignore[no-untyped-def]
    call_command(
        "share",
        "create",
        "--person",
        str(person.pk),
        "--controller",
        "exempel-se",
        "--purpose",
        purpose,
    )


def test_share_command_makes_the_person_visible_to_the_other_company_and_revoke_hides_them(
    make_person, outsider
):
    person = make_person()
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/staff/register/persons/{person.pk}/").status_code == 404
    share_create(person, "customer_management")
    assert client.get(f"/staff/register/persons/{person.pk}/").status_code == 200
    from rekisteri.access.models import GroupShare

    share = GroupShare.objects.get(person=person)
    call_command("share", "revoke", str(share.pk))
    assert client.get(f"/staff/register/persons/{person.pk}/").status_code == 404


def test_share_under_a_purpose_not_shared_within_the_group_is_refused(make_person, outsider):
    person = make_person()
    with pytest.raises(CommandError):
        share_create(person, "kyc_aml")
