"""What screening compares: a person's or an organisation's screened data, as the
matcher's `Subject`, and its fingerprint.

A person is screened by their full name, their birth date (read from their personal
identity code: the register keeps no other birth date) and their nationality; an
organisation by its name and its country. The fingerprint is a keyed hash of exactly that
data: when it changes, a decided hit is asked again (models.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.fi import hetu
from stdnum.se import personnummer

from rekisteri.common.crypto import decrypt_field, keyed_hash
from rekisteri.register.models import IdentityCode
from rekisteri.watchlists.matching import Subject

PERSON = "person"  # catalogue-free: the matcher's kind of subject
ORGANISATION = "organisation"  # catalogue-free: the matcher's kind of subject

#: the century of a Finnish identity code by its separator (Väestötietojärjestelmälaki)
_FI_CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


def birth_date_of(code: str, country: str) -> date | None:
    """The birth date a personal identity code states (FI henkilötunnus, SE personnummer)."""
    try:
        if country == "FI":
            compact = hetu.validate(code, allow_temporary=True)
            century = _FI_CENTURY[compact[6]]
            return date(century + int(compact[4:6]), int(compact[2:4]), int(compact[0:2]))
        if country == "SE":
            return personnummer.get_birth_date(code)
    except (ValidationError, KeyError, ValueError):
        return None
    return None


def birth_dates(person_ids: Iterable[int]) -> dict[int, date]:
    """Each person's birth date from their identity code (decrypted here, never stored)."""
    out: dict[int, date] = {}
    for pid, country, token in IdentityCode.objects.filter(
        person_id__in=list(person_ids)
    ).values_list("person_id", "country", "encrypted"):
        born = birth_date_of(decrypt_field(token), country)
        if born is not None:
            out.setdefault(pid, born)
    return out


def person_subject(first_name: str, last_name: str, nationality: str, born: date | None) -> Subject:
    name = " ".join(f"{first_name} {last_name}".split())
    return Subject(
        kind=PERSON,
        names=(name,) if name else (),
        birth_date=born,
        countries=(nationality.upper(),) if nationality else (),
    )


def organisation_subject(name: str, country: str) -> Subject:
    name = " ".join(name.split())
    return Subject(
        kind=ORGANISATION,
        names=(name,) if name else (),
        countries=(country.upper(),) if country else (),
    )


def subject_fingerprint(subject: Subject) -> str:
    """A keyed hash of the screened data (no case, spacing or order differences)."""
    data = {
        "kind": subject.kind,
        "names": sorted(" ".join(n.casefold().split()) for n in subject.names),
        "birth_date": subject.birth_date.isoformat() if subject.birth_date else "",
        "countries": sorted(c.upper() for c in subject.countries),
    }
    return keyed_hash(json.dumps(data, sort_keys=True), purpose="screening-subject")
