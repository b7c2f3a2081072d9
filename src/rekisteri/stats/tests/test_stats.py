import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.register.models import Affiliation, Organization, OrganizationRelationship
from rekisteri.stats.selectors import stats_report, stats_threshold
from rekisteri.stats.suppression import OTHER, suppress

groups_strategy = st.dictionaries(
    st.text(min_size=1, max_size=6),
    st.fixed_dictionaries({"a": st.integers(0, 30), "b": st.integers(0, 30)}),
    max_size=12,
)


@given(groups=groups_strategy, threshold=st.integers(2, 12))
def test_no_cell_below_the_threshold_is_ever_shown(groups, threshold):
    result = suppress(groups, ["a", "b"], threshold)
    for row in result.rows:
        for value in row.values.values():
            assert value is None or value == 0 or value >= threshold


@given(groups=groups_strategy, threshold=st.integers(2, 12))
def test_shown_groups_are_the_true_counts_and_other_only_merges_small_ones(groups, threshold):
    result = suppress(groups, ["a", "b"], threshold)
    for row in result.rows:
        if row.label == OTHER:
            continue
        for m, value in row.values.items():
            if value is not None:
                assert value == groups[row.label][m]
    shown = sum(v or 0 for r in result.rows for v in r.values.values())
    assert shown <= sum(g["a"] + g["b"] for g in groups.values())


def test_threshold_below_two_is_refused():
    with pytest.raises(ValueError):
        suppress({"x": {"a": 1}}, ["a"], 1)


def test_threshold_defaults_to_five(monkeypatch):
    monkeypatch.delenv("REKISTERI_STATS_THRESHOLD", raising=False)
    assert stats_threshold() == 5


def _people_in(make_person, fi_controller, industry, city, n, kind="customer"):
    org = Organization.objects.create(
        controller=fi_controller, name=f"{industry} {city}", industry=industry, city=city
    )
    OrganizationRelationship.objects.create(organization=org, kind=kind)
    people = [make_person() for _ in range(n)]
    for p in people:
        Affiliation.objects.create(person=p, organization=org)
    return people


@pytest.fixture
def register(make_person, fi_controller):
    _people_in(make_person, fi_controller, "accounting", "Espoo", 6)
    _people_in(make_person, fi_controller, "construction", "Oulu", 2, kind="supplier")
    _people_in(make_person, fi_controller, "retail", "Turku", 3, kind="partner")
    restricted = _people_in(make_person, fi_controller, "mining", "Kemi", 5, kind="prospect")
    restricted[0].restricted_since = timezone.now()
    restricted[0].save(update_fields=["restricted_since"])
    return fi_controller


def test_report_suppresses_small_groups_and_leaves_out_restricted(register):
    tables = {t.key: t for t in stats_report(controller_ids=[register.pk], threshold=5)}
    industry = {r.label: r.values["persons"] for r in tables["industry"].rows}
    # accounting 6 shown; construction 2 and retail 3 merged into other (5); mining has 5
    # people but one is restricted, so 4: also merged
    assert industry == {"accounting": 6, OTHER: 9}
    assert tables["industry"].suppressed_rows == 3
    for table in tables.values():
        for row in table.rows:
            assert all(v is None or v == 0 or v >= 5 for v in row.values.values())
    assert {"event_attendance", "campaigns"} <= set(tables)
    region = {r.label for r in tables["region"].rows}
    assert "FI / Espoo" in region and "FI / Oulu" not in region


def test_stats_command_prints_json_without_small_groups(register):
    out = io.StringIO()
    call_command("stats", "--format", "json", "--threshold", "7", stdout=out)
    data = json.loads(out.getvalue())
    assert data["threshold"] == 7
    for table in data["tables"]:
        for row in table["rows"]:
            for m in table["metrics"]:
                assert row[m] is None or row[m] == 0 or row[m] >= 7


def test_stats_page_for_staff(client, staff, register):
    client.force_login(staff["sales"])
    page = client.get("/staff/stats/").content.decode()
    assert "accounting" in page and "construction" not in page


def test_threshold_in_settings_decides_which_groups_the_page_shows(
    client, staff, make_person, fi_controller, settings
):
    _people_in(make_person, fi_controller, "retail", "Turku", 3, kind="partner")
    _people_in(make_person, fi_controller, "construction", "Oulu", 2, kind="supplier")
    client.force_login(staff["sales"])
    settings.STATS_THRESHOLD = 3
    page = client.get("/staff/stats/").content.decode()
    assert "retail" in page and "construction" not in page
    settings.STATS_THRESHOLD = 4
    page = client.get("/staff/stats/").content.decode()
    assert "retail" not in page


def test_stats_page_counts_only_the_users_group_companies(
    client, staff, make_person, fi_controller, se_controller
):
    _people_in(make_person, fi_controller, "accounting", "Espoo", 6)
    org = Organization.objects.create(
        controller=se_controller, name="Gruvan AB", industry="mining", city="Kiruna"
    )
    OrganizationRelationship.objects.create(organization=org, kind="customer")
    for _ in range(8):
        Affiliation.objects.create(person=make_person(controller=se_controller), organization=org)
    client.force_login(staff["sales"])
    page = client.get("/staff/stats/").content.decode()
    assert "accounting" in page and "mining" not in page and "Kiruna" not in page
