"""Demo data for `rekisteri demo`: organisations, relationships, persons and staff users.

Everything goes through the same services as real work (the import, register services),
so the demo's records carry provenance and its audit trail holds the events of its own
creation. The data is generated with Faker (fi_FI, sv_SE, en_GB) from a fixed seed;
business IDs and identity codes are valid (check digits by python-stdnum's rules).
A second run finds the demo organisations (created_by "demo") and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.fi import alv, ytunnus
from stdnum.se import orgnr

from rekisteri.access.selectors import system_scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import Actor, audit_record
from rekisteri.catalogue.models import SourceKind
from rekisteri.imports.services import import_organizations, import_persons
from rekisteri.register.models import Controller, Organization, Person, RelationshipKind
from rekisteri.register.services import (
    SourceRef,
    affiliation_add,
    person_create,
    person_update,
    relationship_set,
)
from rekisteri.register.validators import InvalidValue, normalise_phone

try:
    from faker import Faker
except ImportError as exc:  # an optional part: the [demo] extra
    from rekisteri.cli import missing_extra

    raise ImportError(missing_extra("demo")) from exc

DEMO = Actor("demo")
SEED = 20251101
LOCALE = {"FI": "fi_FI", "SE": "sv_SE"}
LANGUAGE = {"FI": "fi", "SE": "sv"}

TITLES = {
    "fi": [
        "toimitusjohtaja",
        "talousjohtaja",
        "myyntipäällikkö",
        "hankintapäällikkö",
        "projektipäällikkö",
        "kirjanpitäjä",
        "IT-päällikkö",
        "markkinointikoordinaattori",
    ],
    "sv": [
        "VD",
        "ekonomichef",
        "försäljningschef",
        "inköpschef",
        "projektledare",
        "redovisningsekonom",
        "IT-chef",
        "marknadskoordinator",
    ],
    "en": ["CEO", "CFO", "Head of Sales", "Procurement Manager", "Project Manager"],
}
DEPARTMENTS = {
    "fi": ["Talous", "Myynti", "Hankinnat", "IT", "Johto"],
    "sv": ["Ekonomi", "Försäljning", "Inköp", "IT", "Ledning"],
    "en": ["Finance", "Sales", "Procurement", "IT", "Management"],
}
INDUSTRIES = ["tilitoimisto", "rakentaminen", "ohjelmistot", "tukkukauppa", "logistiikka", "media"]

# Which purpose and source each relationship's contacts come with (see the seeds: customers'
# contacts from the represented company or themselves, prospects from contact data providers).
CONTACT_SOURCES = {
    RelationshipKind.CUSTOMER: SourceRef(
        SourceKind.THIRD_PARTY, "The company you represent (demo)", "customer_management"
    ),
    RelationshipKind.PROSPECT: SourceRef(
        SourceKind.THIRD_PARTY, "Contact data provider (demo)", "direct_marketing"
    ),
    RelationshipKind.SUPPLIER: SourceRef(
        SourceKind.DATA_SUBJECT, "Supplier contact form (demo)", "procurement"
    ),
    RelationshipKind.PARTNER: SourceRef(
        SourceKind.DATA_SUBJECT, "Partner meeting (demo)", "stakeholder_cooperation"
    ),
}


@dataclass
class DemoSummary:
    created: bool
    organizations: int = 0
    persons: int = 0
    notes: list[str] = field(default_factory=list)


def demo_data_present() -> bool:
    return Organization.objects.filter(created_by=DEMO.name).exists()


# --- identifiers with valid check digits -----------------------------------------------


def make_ytunnus(rng: random.Random) -> str:
    while True:
        base = f"{rng.randrange(1_000_000, 3_400_000):07d}"
        for check in "0123456789":
            if alv.checksum(base + check) == 0:
                number = f"{base}-{check}"
                if ytunnus.is_valid(number):
                    return number


def make_orgnr(rng: random.Random) -> str:
    while True:
        base = f"55{rng.randrange(2, 10)}{rng.randrange(0, 1_000_000):06d}"
        number = base + luhn.calc_check_digit(base)
        if orgnr.is_valid(number):
            return orgnr.format(number)


HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def make_hetu(rng: random.Random, born: dt.date) -> str:
    """A henkilötunnus; since 2023 the century sign may be any of -YXWVU (1900s), A-F (2000s)."""
    sign = rng.choice("-YXWVU") if born.year < 2000 else rng.choice("ABCDEF")
    individual = rng.randrange(2, 900)
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}{sign}{individual:03d}{HETU_CHECK[int(digits) % 31]}"


def make_personnummer(rng: random.Random, born: dt.date) -> str:
    base = f"{born:%y%m%d}{rng.randrange(0, 1000):03d}"
    sign = "+" if dt.date.today().year - born.year >= 100 else "-"  # '+' from the 100th year
    return f"{base[:6]}{sign}{base[6:]}{luhn.calc_check_digit(base)}"


def ascii_slug(text: str, sep: str = "") -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)


def _phone(rng: random.Random, country: str) -> str:
    for _ in range(10):
        if country == "SE":
            raw = f"+46 70 {rng.randrange(0, 10_000_000):07d}"
        elif country == "FI":
            raw = f"+358 {rng.choice(['40', '44', '50'])} {rng.randrange(0, 10_000_000):07d}"
        else:
            raw = f"+44 7700 900{rng.randrange(0, 1000):03d}"
        try:
            return normalise_phone(raw, country)
        except InvalidValue:
            continue
    return ""


# --- the data ----------------------------------------------------------------------------


def _organisation_rows(
    controller: Controller, fake: Faker, rng: random.Random, count: int, used: set[str]
) -> list[dict[str, str]]:
    locale = fake[LOCALE.get(controller.country, "en_GB")]
    rows = []
    for _ in range(count):
        country = controller.country
        bid = make_ytunnus(rng) if country == "FI" else make_orgnr(rng)
        if bid in used:
            continue
        used.add(bid)
        name = locale.company()
        slug = ascii_slug(re.sub(r"\b(Oy|Oyj|Ky|Ab|AB|Tmi|HB|KB)\b", "", name), "-")
        rows.append(
            {
                "name": name,
                "business_id": bid,
                "country": country,
                "street": locale.street_address(),
                "postal_code": locale.postcode(),
                "city": locale.city(),
                "website": f"https://www.{slug}.example",
                "industry": rng.choice(INDUSTRIES),
            }
        )
    if controller.country == "FI":
        en = fake["en_GB"]
        for i in range(2):
            name = en.company()
            rows.append(
                {
                    "name": name,
                    "business_id": f"GB{rng.randrange(100_000_000, 999_999_999)}",
                    "country": "GB",
                    "street": en.street_address().replace("\n", ", "),
                    "postal_code": en.postcode(),
                    "city": en.city(),
                    "website": f"https://www.{ascii_slug(name, '-')}-{i}.example",
                    "industry": "consulting",
                }
            )
    return rows


def _relationships(org: Organization, rng: random.Random, today: dt.date) -> list[str]:
    """Give each organisation one or two relationship kinds, some of them ended."""
    roll = rng.random()
    kinds = (
        [RelationshipKind.CUSTOMER]
        if roll < 0.5
        else [RelationshipKind.PROSPECT]
        if roll < 0.75
        else [RelationshipKind.SUPPLIER]
        if roll < 0.9
        else [RelationshipKind.PARTNER]
    )
    if rng.random() < 0.15 and kinds[0] != RelationshipKind.SUPPLIER:
        kinds.append(RelationshipKind.SUPPLIER)
    for kind in kinds:
        start = today - dt.timedelta(days=rng.randrange(60, 9 * 365))
        end = None
        if kind == RelationshipKind.CUSTOMER and rng.random() < 0.2:
            end = min(
                today - dt.timedelta(days=30),
                start + dt.timedelta(days=rng.randrange(365, 4 * 365)),
            )
        relationship_set(
            actor=DEMO,
            organization=org,
            kind=kind,
            start=start,
            end=end,
            scope=system_scope("demo data"),
        )
    return [str(k) for k in kinds]


def _person_rows(
    controller: Controller,
    orgs: list[tuple[Organization, list[str]]],
    fake: Faker,
    rng: random.Random,
    today: dt.date,
) -> dict[str, list[dict[str, str]]]:
    """Contacts per relationship kind (each kind has its own source and purpose)."""
    by_kind: dict[str, list[dict[str, str]]] = {}
    used_emails: set[str] = set()
    codes = 0
    for org, kinds in orgs:
        country = org.country
        base_language = LANGUAGE.get(controller.country, "en") if country != "GB" else "en"
        for _ in range(rng.randrange(2, 6)):
            language = base_language
            if controller.country == "FI" and country == "FI" and rng.random() < 0.1:
                language = "sv"  # Swedish-speaking Finns
            locale = fake[
                {"fi": "fi_FI", "sv": "sv_SE"}.get(language, "en_GB")
                if country != "SE"
                else "sv_SE"
            ]
            first, last = locale.first_name(), locale.last_name()
            domain = org.website.removeprefix("https://www.") or "asiakas.example"
            email = f"{ascii_slug(first)}.{ascii_slug(last, '-')}@{domain}"
            n = 2
            while email in used_emails:
                email = f"{ascii_slug(first)}.{ascii_slug(last, '-')}{n}@{domain}"
                n += 1
            used_emails.add(email)
            row = {
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": _phone(rng, country) if rng.random() < 0.8 else "",
                "title": rng.choice(TITLES[language]),
                "language": language,
                "nationality": country if country in ("FI", "SE") else "",
                "organization_business_id": org.business_id,
                "organization_country": country,
                "department": rng.choice(DEPARTMENTS[language]),
            }
            # A few identity codes, as for signatories of contracts (KYC).
            if codes < 3 and country in ("FI", "SE") and kinds[0] == RelationshipKind.CUSTOMER:
                born = today.replace(year=today.year - rng.randrange(22, 64)) - dt.timedelta(
                    days=rng.randrange(0, 365)
                )
                if codes == 2 and country == "FI":
                    born = dt.date(2003, 5, 17)  # born in the 2000s: sign A-F
                row["identity_code"] = (
                    make_hetu(rng, born) if country == "FI" else make_personnummer(rng, born)
                )
                row["identity_code_country"] = country
                codes += 1
            by_kind.setdefault(kinds[0], []).append(row)
    return by_kind


def _load_controller(
    controller: Controller,
    fake: Faker,
    rng: random.Random,
    org_count: int,
    used: set[str],
    summary: DemoSummary,
) -> None:
    today = timezone.localdate()
    rows = _organisation_rows(controller, fake, rng, org_count, used)
    report = import_organizations(
        actor=DEMO,
        controller=controller,
        rows=list(enumerate(rows, start=2)),
        source=SourceRef(
            SourceKind.PUBLIC_REGISTER, "Trade register (demo)", "customer_management"
        ),
    )
    if not report.ok:
        raise RuntimeError(
            "demo organisations did not validate: " + "; ".join(map(str, report.errors))
        )
    summary.organizations += report.created
    orgs = [
        (org, _relationships(org, rng, today))
        for org in Organization.objects.filter(pk__in=report.organization_ids).order_by("pk")
    ]
    for kind, person_rows in _person_rows(controller, orgs, fake, rng, today).items():
        report = import_persons(
            actor=DEMO,
            controller=controller,
            rows=list(enumerate(person_rows, start=2)),
            source=CONTACT_SOURCES[RelationshipKind(kind)],
        )
        if not report.ok:
            raise RuntimeError(
                "demo persons did not validate: " + "; ".join(map(str, report.errors))
            )
        summary.persons += report.created
    persons = list(
        Person.objects.filter(controller=controller, created_by=DEMO.name).order_by("pk")
    )
    # Some contacts also attend events or use our services; some worked for another
    # organisation before (an ended affiliation: retention counts from its end).
    for person in persons[::9]:
        person_update(
            actor=DEMO,
            scope=system_scope("demo data"),
            person=person,
            data={"is_event_attendee": True, "is_service_user": True},
            purpose="events",
            source=SourceRef(SourceKind.GENERATED, "Event registrations (demo)", "events"),
            reason="demo data",
        )
    other_orgs = [o for o, _ in orgs]
    for person in persons[3::17]:
        start = today - dt.timedelta(days=rng.randrange(4 * 365, 8 * 365))
        affiliation_add(
            actor=DEMO,
            scope=system_scope("demo data"),
            person=person,
            organization=rng.choice(other_orgs),
            data={
                "title": rng.choice(TITLES[person.language]),
                "start": start,
                "end": start + dt.timedelta(days=rng.randrange(365, 3 * 365)),
                "is_contact_person": False,
            },
            source=SourceRef(SourceKind.DATA_SUBJECT, "Demo", "customer_management"),
        )
    # Consumers (B2C): they bought from the web shop themselves.
    locale = fake[LOCALE.get(controller.country, "en_GB")]
    for i in range(2 if controller.country == "FI" else 1):
        first, last = locale.first_name(), locale.last_name()
        person_create(
            actor=DEMO,
            scope=system_scope("demo data"),
            controller=controller,
            data={
                "first_name": first,
                "last_name": last,
                "email": f"{ascii_slug(first)}.{ascii_slug(last, '-')}{i}@kuluttaja.example",
                "phone": _phone(rng, controller.country),
                "language": LANGUAGE.get(controller.country, "en"),
                "is_consumer": True,
            },
            source=SourceRef(SourceKind.DATA_SUBJECT, "Web shop (demo)", "customer_management"),
        )
        summary.persons += 1


def demo_data_load() -> DemoSummary:
    """Create the demo register once; a second call finds it and does nothing."""
    if demo_data_present():
        return DemoSummary(created=False)
    fake = Faker(["fi_FI", "sv_SE", "en_GB"])
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    summary = DemoSummary(created=True)
    used: set[str] = set(
        Organization.objects.exclude(business_id="").values_list("business_id", flat=True)
    )
    with transaction.atomic():
        for controller in Controller.objects.order_by("pk"):
            count = 30 if controller.country == "FI" else 15
            _load_controller(controller, fake, rng, count, used, summary)
    return summary


# --- staff users ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    roles: tuple[str, ...]
    controller: str
    mfa: bool
    created: bool


def demo_password(username: str) -> str:
    return f"demo-{username}-rekisteri"


def demo_users_ensure(*, roles: dict[str, Any]) -> list[DemoUser]:
    """One user per catalogue role in the first (Finnish) company, and one Swedish user."""
    from rekisteri.access.models import StaffProfile

    controllers = list(Controller.objects.order_by("pk"))
    if not controllers:
        return []
    fi = next((c for c in controllers if c.country == "FI"), controllers[0])
    wanted: list[tuple[str, list[str], Controller]] = [
        (f"{code}.{fi.country.lower()}", [code], fi) for code in roles
    ]
    for other in controllers:
        if other.pk != fi.pk and "sales" in roles:
            wanted.append((f"sales.{other.country.lower()}", ["sales"], other))
            break
    User = get_user_model()
    out = []
    with transaction.atomic():
        for username, user_roles, controller in wanted:
            password = demo_password(username)
            user, created = User.objects.get_or_create(username=username)
            if created or not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            profile, profile_created = StaffProfile.objects.get_or_create(
                user=user, defaults={"roles": user_roles}
            )
            if profile.roles != user_roles:
                profile.roles = user_roles
                profile.save(update_fields=["roles"])
            profile.controllers.add(controller)
            if created:
                audit_record(
                    actor=DEMO,
                    action=AuditAction.ADMIN,
                    record=f"{User._meta.label}:{user.pk}",
                    reason=f"demo staff user created with roles {', '.join(user_roles)}",
                )
            out.append(
                DemoUser(
                    username=username,
                    password=password,
                    roles=tuple(user_roles),
                    controller=controller.code,
                    mfa=any(getattr(roles.get(r), "mfa_required", False) for r in user_roles),
                    created=created,
                )
            )
    return out
