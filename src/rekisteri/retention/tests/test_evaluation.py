"""One evaluation of a rule: the plan, verify, the sweep, the erasure plan and the access
package agree on the same rows, for a combined-anchor rule (Jesoy: "the relationship and 10
calendar years after the billing year") and a rule with while-conditions (Vastuu: "while the
person is the customer's contact, or while the history of the service is kept")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from rekisteri.access.selectors import scope_for
from rekisteri.audit.services import Actor
from rekisteri.interactions.models import Communication, Invoice, ServiceRequest
from rekisteri.register.models import Affiliation, Organization, OrganizationRelationship
from rekisteri.retention.periods import Period, add_period
from rekisteri.retention.selectors import retention_end, retention_plan, retention_verify
from rekisteri.retention.tests.sweeping import sweep
from rekisteri.testing.fixtures import DEMO_CATALOGUE

TODAY = timezone.localdate()
Y = TODAY.year
JESOY_LAW = "Kirjanpitolaki 1336/1997 2:10 § (Jesoy)"

BILLING_DEMO = """[[retention]]
code = "billing-10-years"
category = "billing"
anchor = "billing_year_end"
period = "10 years"
while_any = ["has_open_relationship"]
action = "delete"
legal_reference = { fi = "Kirjanpitolaki 1336/1997 2:10 §; Ruotsin kirjanpitolaki (bokföringslagen 1999:1078) 7 luku 2 §", sv = "Finska bokföringslagen (kirjanpitolaki 1336/1997) 2 kap. 10 §; bokföringslagen 1999:1078 7 kap. 2 §", en = "Finnish Accounting Act 1336/1997, ch. 2, s. 10; Swedish Accounting Act 1999:1078, ch. 7, s. 2" }
"""
BILLING_JESOY = f"""[[retention]]
code = "billing-10-years"
category = "billing"
anchor = {{ later_of = ["relationship_ended", "billing_year_end"] }}
period = "10 years"
action = "delete"
legal_reference = "{JESOY_LAW}"
"""
COMMUNICATIONS_DEMO = """[[retention]]
code = "communications-2-years"
category = "communications"
anchor = "relationship_ended"
period = "2 years"
"""
COMMUNICATIONS_VASTUU = """[[retention]]
code = "communications-2-years"
category = "communications"
anchor = "created"
period = "1 year"
while_any = ["is_contact_person", "service_history_kept"]
description = { fi = "Niin kauan kuin olet asiakkaan yhteyshenkilö tai säilytämme palvelun historiaa.", sv = "Så länge du är kundens kontaktperson eller vi sparar tjänstens historik.", en = "While you are the customer's contact or we keep the history of the service." }
"""


#: Vastuu keeps the link to the customer as long as the service history (a condition read
#: from the links: deleting them first would end it)
LINK_DEMO = """code = "link-while-contact"
category = "organisation_link"
anchor = "contact_ended"
period = "0 days"
"""
LINK_VASTUU = LINK_DEMO + 'while_any = ["service_history_kept"]\n'


def _catalogue_text() -> str:
    text = DEMO_CATALOGUE.read_text(encoding="utf-8")
    for old, new in (
        (BILLING_DEMO, BILLING_JESOY),
        (COMMUNICATIONS_DEMO, COMMUNICATIONS_VASTUU),
        (LINK_DEMO, LINK_VASTUU),
    ):
        assert old in text, "the demo catalogue's rule changed; update this test"
        text = text.replace(old, new)
    return text


@pytest.fixture
def world(catalogue: Any, fi_controller: Any, make_person: Any) -> dict[str, Any]:
    from rekisteri.catalogue.services import catalogue_load

    catalogue_load(text=_catalogue_text(), source_name="jesoy-vastuu", actor=Actor("test"))

    def org(name: str, ended: date | None) -> Organization:
        o = Organization.objects.create(controller=fi_controller, name=name)
        OrganizationRelationship.objects.create(
            organization=o, kind="customer", start=date(2000, 1, 1), end=ended
        )
        return o

    def person(o: Organization, end: date | None = None) -> Any:
        p = make_person()
        Affiliation.objects.create(person=p, organization=o, start=date(2000, 1, 1), end=end)
        return p

    def invoice(p: Any, o: Organization, year: int) -> Invoice:
        return Invoice.objects.create(
            controller=fi_controller,
            organization=o,
            person=p,
            occurred_at=_at(date(year, 6, 1)),
            number=f"{year}-{p.pk}",
            billing_year=year,
            amount=Decimal("100.00"),
            recipient_name="Asiakas",
        )

    def message(p: Any, day: date) -> Communication:
        return Communication.objects.create(
            controller=fi_controller, person=p, occurred_at=_at(day), channel="email", body="Hei"
        )

    ended_long_ago = org("Päättynyt Oy", date(Y - 12, 3, 1))
    ended_last_year = org("Vastikään Oy", date(Y - 1, 6, 1))
    open_org = org("Jatkuva Oy", None)
    # (p4 and p5 stopped being contacts a month ago: the sweep keeps the persons themselves)
    with_history = org("Palvelu Oy", None)
    without_history = org("Hiljainen Oy", None)
    month_ago = TODAY - timedelta(days=30)
    ServiceRequest.objects.create(
        controller=fi_controller, organization=with_history, occurred_at=_at(date(Y - 4, 1, 1))
    )
    p1 = person(ended_long_ago)
    p2 = person(open_org)
    p3 = person(open_org)
    p4 = person(with_history, end=month_ago)
    p5 = person(without_history, end=month_ago)
    p6 = person(ended_last_year)
    return {
        "persons": (p1, p2, p3, p4, p5, p6),
        # relationship ended Y-12-03-01, later than the end of billing year Y-13: 10 years
        # from the relationship's end
        "i1": invoice(p1, ended_long_ago, Y - 13),
        # billing year Y-11 ends after the relationship: due on 1 January of this year
        "i2": invoice(p1, ended_long_ago, Y - 11),
        # billing year Y-10: due on 1 January next year
        "i3": invoice(p1, ended_long_ago, Y - 10),
        # an old billing year, but the relationship ended last year: 10 years from that
        "i4": invoice(p6, ended_last_year, Y - 20),
        # the relationship runs: no day yet
        "i5": invoice(p2, open_org, Y - 20),
        "c3": message(p3, date(Y - 3, 1, 1)),  # still the customer's contact: kept
        "c4": message(p4, date(Y - 3, 1, 1)),  # the service history is kept: kept
        "c5": message(p5, date(Y - 3, 1, 1)),  # neither: due
    }


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12, 0))


def _verified(as_of: date) -> dict[str, set[str]]:
    return {o.rule_code: set(o.records) for o in retention_verify(as_of=as_of, limit=1000)}


def _label(row: Any) -> str:
    return f"{row._meta.label}:{row.pk}"


def test_combined_anchor_and_while_conditions_give_the_days_the_catalogue_states(world):
    ten = Period(years=10)
    assert retention_end(
        category="billing", person_id=world["i1"].person_id, record=world["i1"]
    ) == (add_period(date(Y - 12, 3, 1), ten))
    assert retention_end(
        category="billing", person_id=world["i2"].person_id, record=world["i2"]
    ) == date(Y, 1, 1)
    assert retention_end(
        category="billing", person_id=world["i3"].person_id, record=world["i3"]
    ) == date(Y + 1, 1, 1)
    assert retention_end(
        category="billing", person_id=world["i4"].person_id, record=world["i4"]
    ) == add_period(date(Y - 1, 6, 1), ten)
    assert (
        retention_end(category="billing", person_id=world["i5"].person_id, record=world["i5"])
        is None
    )
    for kept in ("c3", "c4"):
        row = world[kept]
        assert retention_end(category="communications", person_id=row.person_id, record=row) is None
    c5 = world["c5"]
    assert retention_end(category="communications", person_id=c5.person_id, record=c5) == date(
        Y - 2, 1, 1
    )


def test_plan_verify_sweep_and_per_row_evaluation_agree_on_the_same_rows(world):
    rows = [world[k] for k in ("i1", "i2", "i3", "i4", "i5", "c3", "c4", "c5")]
    by_evaluation: dict[str, set[str]] = {
        "billing-10-years": set(),
        "communications-2-years": set(),
    }
    for row in rows:
        category = row.retention_category
        end = retention_end(category=category, person_id=row.person_id, record=row, as_of=TODAY)
        if end is not None and end <= TODAY:
            rule = "billing-10-years" if isinstance(row, Invoice) else "communications-2-years"
            by_evaluation[rule].add(_label(row))
    expected = {
        "billing-10-years": {_label(world["i1"]), _label(world["i2"])},
        "communications-2-years": {_label(world["c5"])},
    }
    assert by_evaluation == expected

    verified = _verified(TODAY)
    assert {k: verified.get(k, set()) for k in expected} == expected

    plan = retention_plan(as_of=TODAY).by_rule()
    assert plan["billing-10-years"]["due_now"] == 2
    assert plan["communications-2-years"]["due_now"] == 1

    result = sweep(as_of=TODAY)
    assert result.counts["billing-10-years"] == {"deleted": 2}
    assert result.counts["communications-2-years"] == {"deleted": 1}
    left = {_label(r) for r in Invoice.objects.all()} | {
        _label(r) for r in Communication.objects.all()
    }
    assert left == {_label(world[k]) for k in ("i3", "i4", "i5", "c3", "c4")}
    assert not {k: v for k, v in _verified(TODAY).items() if k in expected}


def test_a_row_whose_condition_holds_is_swept_once_it_no_longer_holds(world):
    c3 = world["c3"]
    sweep(as_of=TODAY)
    assert Communication.objects.filter(pk=c3.pk).exists()
    Affiliation.objects.filter(person_id=c3.person_id).update(end=TODAY - timedelta(days=1))
    assert retention_end(category="communications", person_id=c3.person_id, record=c3) == date(
        Y - 2, 1, 1
    )
    sweep(as_of=TODAY)
    assert not Communication.objects.filter(pk=c3.pk).exists()


def test_erasure_plan_keeps_what_the_rule_keeps_until_the_same_day_naming_its_law(world, staff):
    from rekisteri.rights.services import erasure_plan

    dpo = scope_for(staff["dpo"])
    p1 = world["i1"].person
    plan = erasure_plan(scope=dpo, person=p1, today=TODAY)
    kept = {i.record: i for i in plan.keep}
    deleted = {i.record for i in plan.delete}
    assert {_label(world["i1"]), _label(world["i2"])} <= deleted
    i3 = kept[_label(world["i3"])]
    assert i3.until == date(Y + 1, 1, 1).isoformat()
    assert i3.legal_reference == JESOY_LAW

    p2 = world["i5"].person
    plan = erasure_plan(scope=dpo, person=p2, today=TODAY)
    i5 = {i.record: i for i in plan.keep}[_label(world["i5"])]
    assert i5.until is None  # the relationship runs: no day yet, as the sweep says


def test_access_package_states_the_end_the_sweep_works_to(world):
    from rekisteri.rights.packages import explained_items

    p1 = world["i1"].person
    items = explained_items(person_ids=[p1.pk], lang="en")
    billing = {i["retention_end"] for i in items if i["category"] == "billing"}
    # the person's last invoice goes last: its end is the end of their billing data
    assert billing == {date(Y + 1, 1, 1).isoformat()}
    p3 = world["c3"].person
    items = explained_items(person_ids=[p3.pk], lang="en")
    assert {i["retention_end"] for i in items if i["category"] == "communications"} == {None}
