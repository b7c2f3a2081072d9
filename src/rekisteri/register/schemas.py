"""API input and output schemas of the register.

Input schemas check types only; the register's own rules (register/inputs.py, the same as
the staff UI and the import) run in the services. Output schemas declare every person field
as optional: a response carries only the fields whose data category the caller's purposes
cover, and leaves the others out (not null: absent), with `hidden_categories` saying why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, GetJsonSchemaHandler, StrictBool, StrictInt, model_validator

from rekisteri.catalogue.models import SourceKind
from rekisteri.register.inputs import CONTROL_CHARACTER
from rekisteri.register.models import ContactKind, Language, RelationshipKind

# What the server refuses, as the schema's patterns, so that clients and the fuzzer know it.
# `SPACE`: what str.strip() removes that is not a control character.
SPACE = r"\t \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_CONTROLS = r"\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029"
PRINTABLE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
ONE_LINE_PATTERN = f"^[^{_CONTROLS}]*$"
NOT_BLANK_PATTERN = f"^[^{_CONTROLS}]*[^{_CONTROLS}{SPACE}][^{_CONTROLS}]*$"
BUSINESS_ID_PATTERN = f"^[{SPACE}]*[A-Za-z0-9 ./-]*[{SPACE}]*$"


@dataclass(frozen=True)
class Pattern:
    """Declares a pattern in the OpenAPI schema only; a validator of its own enforces it
    (with a message in the register's words, not the regular expression)."""

    regex: str

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["pattern"] = self.regex
        return schema


def printable(value: str | None) -> str | None:
    # NUL and other control characters have no place in a search or a text, and
    # PostgreSQL refuses NUL outright; surrogates cannot be stored as UTF-8.
    for ch in value or "":
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cs"):
            raise ValueError("must not contain control characters")
    return value


def one_line(value: str | None) -> str | None:
    """A name, a code, an address: no control character at all (a tab is harmless)."""
    if value and CONTROL_CHARACTER.search(value):
        raise ValueError("must not contain control characters")
    return value


def not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("is required")
    return value


Printable = Annotated[str, AfterValidator(printable), Pattern(PRINTABLE_PATTERN)]
Text = Annotated[str, AfterValidator(one_line), Pattern(ONE_LINE_PATTERN)]
Name = Annotated[
    str, AfterValidator(one_line), AfterValidator(not_blank), Pattern(NOT_BLANK_PATTERN)
]
BusinessId = Annotated[str, AfterValidator(one_line), Pattern(BUSINESS_ID_PATTERN)]


def text(max_length: int, **kwargs: object) -> object:
    return Field(None, max_length=max_length, **kwargs)  # type: ignore[arg-type]


# --- Output -------------------------------------------------------------------------------


class ProvenanceOut(Schema):
    record: str = Field(description="the record the data is in, e.g. register.ContactPoint:12")
    fields: list[str]
    source_kind: SourceKind
    source_name: str
    collected_at: datetime
    recorded_by: str
    purpose: str


class ContactPointOut(Schema):
    kind: ContactKind
    value: str
    primary: bool
    verified_at: datetime | None
    undeliverable_at: datetime | None


class AffiliationOut(Schema):
    organization_id: int
    organization_name: str
    role: str
    title: str
    department: str
    start: date | None
    end: date | None
    is_contact_person: bool


class IdentityCodeOut(Schema):
    country: str
    masked: str = Field(description="the code masked; the API never returns it in full")


class PersonSummary(Schema):
    id: int
    controller: str = Field(description="the group company's code")
    first_name: str
    last_name: str
    restricted: bool = Field(description="processing restricted (GDPR Art. 18): stored only")


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonSummary]


class PersonOut(Schema):
    id: int
    controller: str = Field(description="the group company's code")
    restricted: bool
    created_at: datetime
    updated_at: datetime
    hidden_categories: list[str] = Field(
        description="data categories your purposes do not cover; their fields are left out"
    )
    # basic
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    language: Language | None = None
    nationality: str | None = None
    # customer_relationship
    is_contact_person: bool | None = None
    is_consumer: bool | None = None
    is_event_attendee: bool | None = None
    is_service_user: bool | None = None
    contact_ended_on: date | None = Field(
        None, description="when the person stopped being a contact (retention anchor)"
    )
    relationship_ended_on: date | None = Field(
        None, description="when the relationship ended (retention anchor)"
    )
    # kyc
    is_beneficial_owner: bool | None = None
    # rights
    restricted_since: datetime | None = None
    restriction_ground: str | None = None
    # contact
    email: str | None = Field(None, description="the primary email address")
    phone: str | None = Field(None, description="the primary phone number, E.164")
    contact_points: list[ContactPointOut] | None = None
    # organisation_link
    affiliations: list[AffiliationOut] | None = None
    # identity_code
    identity_codes: list[IdentityCodeOut] | None = None
    provenance: list[ProvenanceOut] = Field(
        description="where each visible datum came from, when, by whom and for which purpose"
    )


class RelationshipOut(Schema):
    kind: RelationshipKind
    start: date | None
    end: date | None


class OrganizationOut(Schema):
    id: int
    controller: str = Field(description="the group company's code")
    name: str
    business_id: str
    country: str
    street: str
    postal_code: str
    city: str
    website: str
    industry: str
    relationships: list[RelationshipOut]
    created_by: str
    created_at: datetime
    updated_at: datetime


class OrganizationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrganizationOut]


# --- Input --------------------------------------------------------------------------------


class Body(Schema):
    """A request body: a JSON object (ninja would otherwise read any value's attributes)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: object) -> object:
        # ninja hands the parsed JSON over wrapped in its DjangoGetter.
        if not isinstance(getattr(data, "_obj", data), dict):
            raise ValueError("must be a JSON object")
        return data


class PersonBase(Body):
    first_name: Text | None = text(100)
    title: Text | None = text(150)
    language: Text | None = text(20, description="fi, sv or en")
    nationality: Text | None = text(60, description="ISO 3166 country code, e.g. FI")
    email: Text | None = text(320)
    phone: Text | None = text(40, description="E.164, or national in the group company's country")
    is_contact_person: StrictBool | None = None
    is_consumer: StrictBool | None = None


class PersonIn(PersonBase):
    controller: Text | None = text(
        64, description="group company code; required only if you are staff of several"
    )
    last_name: Name = Field(..., max_length=100)
    organization_id: StrictInt | None = Field(
        None, ge=1, le=2**63 - 1, description="affiliate the person to this organisation"
    )
    organization_business_id: BusinessId | None = text(40, description="or find it by business ID")
    identity_code: Text | None = text(20, description="FI henkilötunnus or SE personnummer")
    identity_code_country: Text | None = text(2)
    source_kind: SourceKind = Field(
        SourceKind.DATA_SUBJECT, description="where the data came from (provenance)"
    )
    source_name: Text = Field("", max_length=255)
    purpose: Text | None = text(64, description="one of your purposes; recorded as provenance")


class PersonPatch(PersonBase):
    # A last name cannot be cleared: no null, no blank.
    last_name: Name = Field(None, max_length=100)  # type: ignore[assignment]
    is_event_attendee: StrictBool | None = None
    is_service_user: StrictBool | None = None
    purpose: Text | None = text(64, description="one of your purposes; recorded in the audit")
    source_kind: SourceKind | None = Field(
        None, description="where the new values came from (provenance); default the person"
    )
    source_name: Text | None = text(255)


class OrganizationBase(Body):
    business_id: BusinessId | None = text(
        40, description="FI Y-tunnus, SE organisationsnummer, …: letters, digits, ' .-/'"
    )
    country: Text | None = text(60, description="ISO 3166 country code; default FI")
    street: Text | None = text(255)
    postal_code: Text | None = text(20)
    city: Text | None = text(100)
    website: Text | None = text(200)
    industry: Text | None = text(100)


class OrganizationIn(OrganizationBase):
    controller: Text | None = text(
        64, description="group company code; required only if you are staff of several"
    )
    name: Name = Field(..., max_length=255)
    relationships: list[RelationshipKind] = Field(default_factory=list, max_length=4)


class OrganizationPatch(OrganizationBase):
    name: Name = Field(None, max_length=255)  # type: ignore[assignment]
