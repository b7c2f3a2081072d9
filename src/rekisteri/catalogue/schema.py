"""The catalogue's typed contract: a TOML file parsed once into pydantic models.

`parse_catalogue(text)` is the only reader of a catalogue file. It returns a `Catalogue`
(frozen pydantic models; every default is written once, on the model fields below) or raises
`CatalogueError`, whose issues name the key and the line of each problem (see
catalogue.parsing).

A loaded version keeps `Catalogue.model_dump(mode="json")` beside its source; code reads it
only through rekisteri.catalogue.selectors (`catalogue_snapshot()` and friends).
docs/catalogue.md describes the format.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rekisteri.catalogue.conditions import WHILE_CONDITIONS
from rekisteri.catalogue.models import (
    LegalBasis,
    Objection,
    RecipientKind,
    RetentionAction,
    RetentionAnchor,
    SourceKind,
)
from rekisteri.register.validators import InvalidValue, normalise_business_id

LANGS = ("fi", "sv", "en")
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
#: a recipient's country when the company cannot say where the data is processed; it may
#: be outside the EU/EEA, so it needs a safeguard like a third country
UNKNOWN_COUNTRY = "unknown"
FUNCTIONS = (
    "finance",
    "marketing",
    "it",
    "logistics",
    "credit_checks",
    "authorities",
    "customer_service",
    "events",
    "kyc",
    "legal",
    "hosting",
)
SECTIONS = ("controllers", "categories", "purposes", "sources", "recipients", "retention", "roles")
TABLES = ("register", "authorities", "security", "notice")
#: role keys of the first catalogue format, replaced by capabilities on purposes
LEGACY_ROLE_KEYS = ("dpo", "admin", "reveal_identity_codes")
#: how anchors may be combined: the later (or earlier) of their dates starts the period
COMBINE = ("later_of", "earlier_of")
IDENTITY_CODE_COUNTRIES = ("FI", "SE")
_PERIOD = re.compile(r"^\s*(\d+)\s*(day|days|month|months|year|years)\s*$")
_CODE = re.compile(r"[a-z0-9_\-]+")


# --- Issues ---------------------------------------------------------------------------------


@dataclass
class CatalogueIssue:
    key: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.key}: {self.message}"


class CatalogueError(Exception):
    def __init__(self, issues: list[CatalogueIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


# --- Value types ----------------------------------------------------------------------------


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)

    years: int = 0
    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = [
            f"{n} {u}"
            for n, u in ((self.years, "years"), (self.months, "months"), (self.days, "days"))
            if n
        ]
        return ", ".join(parts) or "0 days"

    @property
    def is_zero(self) -> bool:
        return not (self.years or self.months or self.days)


def parse_period(value: Any) -> Period:
    """'3 months', '10 years', '1 year + 6 months'; an integer is days."""
    if isinstance(value, Period):
        return value
    if isinstance(value, dict):  # the stored form
        return Period(**value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Period(days=value)
    if not isinstance(value, str):
        raise ValueError("period must be a string such as '3 months' or '10 years'")
    found = {"years": 0, "months": 0, "days": 0}
    for part in value.split("+"):
        m = _PERIOD.match(part)
        if not m:
            raise ValueError(
                f"period {value!r} is not like '3 months', '10 years' or '1 year + 6 months'"
            )
        n, unit = int(m.group(1)), m.group(2).rstrip("s") + "s"
        found[unit] += n
    return Period(**found)


def _all_langs(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of texts: { fi = …, sv = …, en = … }")
    unknown = sorted(set(value) - set(LANGS))
    if unknown:
        raise ValueError(f"{', '.join(map(repr, unknown))} is not a language; use fi, sv and en")
    missing = [lang for lang in LANGS if not (isinstance(value.get(lang), str) and value[lang])]
    if missing:
        raise ValueError(f"has no {', '.join(map(repr, missing))} text")
    return {lang: value[lang] for lang in LANGS}


def _complete_or_absent(value: Any) -> dict[str, str]:
    return {} if value in (None, "", {}) else _all_langs(value)


def _lenient_texts(value: Any) -> dict[str, str]:
    """An optional text as catalogues have written it: a table (the notice check asks for
    every language), or one string used for all three."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        return {lang: value for lang in LANGS}
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items() if k in LANGS}
    raise ValueError("must be a table of texts: { fi = …, sv = …, en = … }")


def _code(value: Any) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ValueError("is required: lowercase letters, digits, _ or -")
    return value


def _choice(choices: Any, what: str) -> AfterValidator:
    allowed = [c.value for c in choices] if hasattr(choices, "__members__") else list(choices)

    def check(value: str) -> str:
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"{value!r} is not {what}; use one of: {', '.join(allowed)}{hint}")
        return str(value)

    return AfterValidator(check)


def _email(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be an email address")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"{value!r} is not a valid email address: {exc}") from exc


def _optional_email(value: Any) -> str:
    return "" if value in (None, "") else _email(value)


def _country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("must be an ISO 3166 country code such as 'FI' or 'SE'")
    return value


def _subject(value: Any) -> Any:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, dict):
        return _all_langs(value)
    raise ValueError("a kind of data subject is a name or a table { fi = …, sv = …, en = … }")


Texts = Annotated[dict[str, str], BeforeValidator(_all_langs)]
MaybeTexts = Annotated[dict[str, str], BeforeValidator(_complete_or_absent)]
LooseTexts = Annotated[dict[str, str], BeforeValidator(_lenient_texts)]
Code = Annotated[str, BeforeValidator(_code)]
Email = Annotated[str, BeforeValidator(_email)]
MaybeEmail = Annotated[str, BeforeValidator(_optional_email)]
Country = Annotated[str, BeforeValidator(_country)]
Subject = Annotated[Any, BeforeValidator(_subject)]
Capability = Annotated[str, BeforeValidator(lambda v: _known_capability(v))]
Condition = Annotated[str, _choice(tuple(WHILE_CONDITIONS), "a condition of the register")]


def _known_capability(value: Any) -> str:
    from rekisteri.access.capabilities import CAPABILITIES

    if value not in CAPABILITIES:
        raise ValueError(
            f"{value!r} is not a capability of Rekisteri; known: " + ", ".join(sorted(CAPABILITIES))
        )
    return str(value)


class _Model(BaseModel):
    # Unknown keys are reported by `_unknown_keys` (with their line), not dropped silently.
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Named(_Model):
    def label(self, lang: str = "en") -> str:
        name = getattr(self, "name", None)
        if isinstance(name, dict):
            return name.get(lang) or name.get("en") or self.code  # type: ignore[attr-defined]
        return str(name or self.code)  # type: ignore[attr-defined]


# --- The sections -----------------------------------------------------------------------------


class Controller(_Named):
    code: Code
    name: Annotated[str, Field(min_length=1)]
    country: Country = "FI"
    #: optional: a company that states none has none here (never a made-up one); `check` warns
    business_id: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: Email
    phone: str = ""
    website: str = ""
    #: the data protection officer, if the company has one: all three may be absent
    dpo_name: str = ""
    dpo_email: MaybeEmail = ""
    dpo_address: str = ""

    @field_validator("business_id", mode="after")
    @classmethod
    def _business_id(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return ""
        try:
            return normalise_business_id(value, info.data.get("country", "FI"))
        except InvalidValue as exc:
            raise ValueError(str(exc)) from exc

    @property
    def has_dpo(self) -> bool:
        return bool(self.dpo_name or self.dpo_email or self.dpo_address)


class AccessExemption(_Model):
    """A law that takes a category's data out of the data subject's right of access.

    GDPR Art. 23 lets a national law restrict Art. 15; the anti-money-laundering acts do so
    for what a firm gathers to examine and report suspicious transactions (the person must
    not be tipped off). The access package leaves such a category's data out and says, in
    these words, that it did and under which law; the notice and the Art. 30 record say it
    too. See docs/kyc.md.
    """

    #: the provision, as the person should read it (e.g. "Rahanpesulaki 444/2017 …")
    law: Texts
    #: why the data is withheld, in plain words for the person
    reason: Texts


class Category(_Named):
    code: Code
    name: Texts
    description: LooseTexts = {}
    sensitive: StrictBool = False
    #: kinds of data subjects: a name the notice words (texts.SUBJECTS) or a {fi, sv, en} table
    subjects: tuple[Subject, ...] = ()
    #: a law exempts this category from the right of access (Art. 15; see AccessExemption)
    access_exemption: AccessExemption | None = None


class LegalBasisEntry(_Model):
    """One legal basis of a purpose, with the situation it applies to."""

    basis: Annotated[str, _choice(LegalBasis, "a legal basis")]
    #: which situations this basis covers ("customers" / "prospects"); required when a
    #: purpose has several bases
    applies_to: MaybeTexts = {}
    #: the legitimate interest pursued: required for (and only for) legitimate_interest
    interest: MaybeTexts = {}
    #: where the balancing test is documented (a reference, not printed to data subjects)
    balancing_test: str = ""

    @model_validator(mode="after")
    def _interest(self) -> LegalBasisEntry:
        li = self.basis == LegalBasis.LEGITIMATE_INTEREST
        if li and not self.interest:
            raise ValueError(
                "a legitimate-interest basis states the interest in fi, sv and en "
                "(interest = { fi = …, sv = …, en = … })"
            )
        if not li and (self.interest or self.balancing_test):
            raise ValueError(
                "interest and balancing_test belong to a legitimate_interest basis only"
            )
        return self


class Purpose(_Named):
    code: Code
    name: Texts
    description: LooseTexts = {}
    legal_bases: Annotated[tuple[LegalBasisEntry, ...], Field(min_length=1)]
    direct_marketing: StrictBool = False
    #: default: absolute for direct marketing, weighed case by case on legitimate interest
    #: or public task, else none (see _defaults)
    objection: Annotated[str, _choice(Objection, "a kind of objection")]
    profiling: StrictBool = False
    shared_within_group: StrictBool = False
    #: data categories the purpose uses; may be empty for work on no register data (user
    #: administration), which then must list capabilities and is left out of the notice
    categories: tuple[Code, ...] = ()
    capabilities: Annotated[tuple[Capability, ...], Field(validate_default=True)] = ()
    sources: tuple[Code, ...] = ()
    recipients: tuple[Code, ...] = ()
    #: the controllers that process for this purpose; empty: all of them
    controllers: tuple[Code, ...] = ()
    joint_controllers: tuple[str, ...] = ()
    subjects: tuple[Subject, ...] = ()
    #: is giving the data required, and what follows if it is not given
    required: LooseTexts = {}

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "legal_basis" in data or "legitimate_interest" in data:
            # The first format: one basis, its interest beside it.
            if "legal_bases" in data:
                raise ValueError(
                    "give either legal_bases = [ … ] or the older legal_basis = …, not both"
                )
            entry: dict[str, Any] = {}
            if "legal_basis" in data:
                entry["basis"] = data.pop("legal_basis")
            if "legitimate_interest" in data:
                entry["interest"] = data.pop("legitimate_interest")
            data["legal_bases"] = [entry] if "basis" in entry else []
        bases = {e.get("basis") for e in data.get("legal_bases") or [] if isinstance(e, dict)}
        if "objection" not in data:
            data["objection"] = (
                Objection.ABSOLUTE.value
                if data.get("direct_marketing") is True
                else Objection.BALANCING.value
                if bases & {LegalBasis.LEGITIMATE_INTEREST.value, LegalBasis.PUBLIC_TASK.value}
                else Objection.NONE.value
            )
        return data

    @field_validator("legal_bases", mode="after")
    @classmethod
    def _conditions(cls, value: tuple[LegalBasisEntry, ...]) -> tuple[LegalBasisEntry, ...]:
        if len(value) > 1 and any(not e.applies_to for e in value):
            raise ValueError(
                "a purpose with several legal bases says what each applies to "
                "(applies_to = { fi = …, sv = …, en = … } on every entry)"
            )
        return value

    @field_validator("objection", mode="after")
    @classmethod
    def _absolute(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("direct_marketing") and value != Objection.ABSOLUTE:
            raise ValueError("an objection to direct marketing is always absolute (Art. 21(3))")
        return value

    @field_validator("capabilities", mode="after")
    @classmethod
    def _some_work(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if not value and not info.data.get("categories") and "categories" in info.data:
            raise ValueError(
                "a purpose uses at least one data category (or, for work on no register "
                "data such as user administration, names its capabilities)"
            )
        return value

    @property
    def legal_basis(self) -> str:
        """The first basis: what callers written for one basis per purpose read."""
        return self.legal_bases[0].basis

    @property
    def legitimate_interest(self) -> dict[str, str]:
        return next((e.interest for e in self.legal_bases if e.interest), {})

    @property
    def in_notice(self) -> bool:
        """A purpose on no register data (categories = []) is not in the privacy notice."""
        return bool(self.categories)


class Source(_Named):
    code: Code
    kind: Annotated[str, _choice(SourceKind, "a kind of source")]
    name: Texts
    description: LooseTexts = {}


class Recipient(_Named):
    code: Code
    kind: Annotated[str, _choice(RecipientKind, "a kind of recipient")]
    functions: Annotated[
        tuple[Annotated[str, _choice(FUNCTIONS, "a function")], ...], Field(min_length=1)
    ]
    #: ISO 3166 code, or "unknown" (possibly outside the EU/EEA: needs a safeguard)
    country: str
    name: Texts
    description: LooseTexts = {}
    safeguard: Annotated[MaybeTexts, Field(validate_default=True)] = {}

    @model_validator(mode="before")
    @classmethod
    def _one_function(cls, data: Any) -> Any:
        if isinstance(data, dict) and "function" in data:
            if "functions" in data:
                raise ValueError("give either functions = [ … ] or the older function = …")
            data = dict(data)
            data["functions"] = [data.pop("function")]
        return data

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> str:
        if value == UNKNOWN_COUNTRY:
            return value
        if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
            raise ValueError(
                "is required: an ISO 3166 code such as 'FI' or 'US', or 'unknown' when the "
                "data may be processed outside the EU/EEA in a country we cannot name"
            )
        return value

    @field_validator("safeguard", mode="after")
    @classmethod
    def _safeguard(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        country = info.data.get("country")
        if country and country not in EEA and not value:
            where = (
                "a recipient whose country is unknown (possibly outside the EU/EEA)"
                if country == UNKNOWN_COUNTRY
                else f"a transfer to {country} (outside the EU/EEA)"
            )
            raise ValueError(f"{where} needs its safeguard in fi, sv and en")
        return value

    @property
    def function(self) -> str:
        """The first function: what callers written for one function per recipient read."""
        return self.functions[0]

    @property
    def outside_eea(self) -> bool:
        """Outside the EU/EEA, or possibly so (country unknown)."""
        return self.country not in EEA


class Anchor(_Model):
    """When a retention period starts: one anchor, or the later/earlier of several."""

    #: "" for one anchor, else "later_of" or "earlier_of"
    combine: Literal["", "later_of", "earlier_of"] = ""
    anchors: tuple[Annotated[str, _choice(RetentionAnchor, "an anchor")], ...]

    @model_validator(mode="before")
    @classmethod
    def _written(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"anchors": [data]}
        if isinstance(data, dict) and "anchors" not in data:
            keys = [k for k in data if k in COMBINE]
            if len(keys) != 1 or len(data) != 1:
                raise ValueError(
                    "is an anchor such as 'created', or a table { later_of = [ … ] } or "
                    "{ earlier_of = [ … ] }"
                )
            return {"combine": keys[0], "anchors": data[keys[0]]}
        return data

    @model_validator(mode="after")
    def _combined(self) -> Anchor:
        if not self.combine:
            if len(self.anchors) != 1:
                raise ValueError("one anchor, or a table { later_of = [ … ] }")
            return self
        if len(self.anchors) < 2 or len(set(self.anchors)) != len(self.anchors):
            raise ValueError(f"{self.combine} combines two or more different anchors")
        if RetentionAnchor.NEEDED in self.anchors:
            raise ValueError("'needed' has no date and cannot be combined with other anchors")
        return self

    def __str__(self) -> str:
        return self.anchors[0] if not self.combine else f"{self.combine}({', '.join(self.anchors)})"


class RetentionRule(_Model):
    code: Code
    category: Code
    anchor: Anchor
    #: from the anchor's date; none for anchor = "needed"
    period: Annotated[Period, Field(validate_default=True)] = None  # type: ignore[assignment]
    #: register-state conditions (rekisteri.catalogue.conditions) during any of which the
    #: data is kept whatever the period says
    while_any: tuple[Condition, ...] = ()
    action: Annotated[str, _choice(RetentionAction, "an action")] = RetentionAction.DELETE.value
    legal_reference: str = ""
    description: LooseTexts = {}

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any, info: ValidationInfo) -> Period:
        anchor = info.data.get("anchor")
        if anchor is not None and anchor.anchors == (RetentionAnchor.NEEDED.value,):
            return parse_period(value) if value is not None else Period()
        if value is None:
            raise ValueError("is required: a period such as '3 months' or '10 years'")
        return parse_period(value)


class Role(_Named):
    code: Code
    name: Texts
    description: LooseTexts = {}
    purposes: tuple[Code, ...] = ()
    mfa_required: StrictBool = False


class NoticeSection(_Model):
    """A section of the notice in the company's own words (cookies, how to make a request…)."""

    key: Code
    title: Texts
    body: Texts


class NoticeSettings(_Model):
    #: the notice's own date ("updated on"); none: the date the version was published
    effective_date: dt.date | None = None
    sections: tuple[NoticeSection, ...] = ()
    #: the notice's statement on transfers outside the EU/EEA when no recipient is outside
    transfers: MaybeTexts = {}

    @field_validator("effective_date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a date") from exc
        raise ValueError('must be a date written "YYYY-MM-DD"')

    @field_validator("sections", mode="after")
    @classmethod
    def _unique(cls, value: tuple[NoticeSection, ...]) -> tuple[NoticeSection, ...]:
        keys = [s.key for s in value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"section key {twice[0]!r} is used twice")
        return value


class RegisterPolicy(_Model):
    name: LooseTexts = {}
    #: no private individuals: consumers are refused everywhere
    b2b_only: StrictBool = False
    #: a marketing-only contact who objects is reduced to the suppression entry
    opt_out_minimisation: StrictBool = False
    #: the country whose identity codes persons have when none is given; none: each
    #: controller's own country
    identity_code_country: Annotated[str | None, AfterValidator(lambda v: _identity_country(v))] = (
        None
    )


def _identity_country(value: str | None) -> str | None:
    if value is not None and value not in IDENTITY_CODE_COUNTRIES:
        raise ValueError(
            f"{value!r} is not a country whose identity codes Rekisteri knows; use "
            + " or ".join(repr(c) for c in IDENTITY_CODE_COUNTRIES)
        )
    return value


class Authority(_Model):
    name: Texts
    url: str = ""


class Security(_Model):
    measures: tuple[LooseTexts, ...] = ()


class Catalogue(_Model):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    version: Annotated[str, Field(min_length=1)]
    #: the `[register]` table (`register` is a name pydantic's base class keeps)
    register_policy: RegisterPolicy = Field(default=RegisterPolicy(), alias="register")
    authorities: dict[Country, Authority] = {}
    security: Security = Security()
    notice: NoticeSettings = NoticeSettings()
    controllers: Annotated[tuple[Controller, ...], Field(min_length=1)]
    categories: Annotated[tuple[Category, ...], Field(min_length=1)]
    purposes: tuple[Purpose, ...] = ()
    sources: tuple[Source, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    retention: tuple[RetentionRule, ...] = ()
    roles: tuple[Role, ...] = ()

    def codes(self, section: str) -> list[str]:
        return [e.code for e in getattr(self, section)]

    def identity_code_country(self, controller_code: str) -> str:
        """Whose identity codes a person of this controller has when no country is given."""
        if self.register_policy.identity_code_country:
            return self.register_policy.identity_code_country
        return next(c.country for c in self.controllers if c.code == controller_code)


def parse_catalogue(text: str, *, warnings: list[CatalogueIssue] | None = None) -> Catalogue:
    """The typed catalogue of a TOML text; raises CatalogueError naming key and line.

    Problems that do not stop the catalogue from working (a controller without business ID)
    are appended to `warnings` when a list is given. (The parsing itself is in
    catalogue.parsing: where keys are, and the checks across sections.)
    """
    from rekisteri.catalogue.parsing import validate

    return validate(text, warnings=warnings)


def catalogue_from_stored(document: dict[str, Any]) -> Catalogue:
    """A loaded version's typed catalogue from its stored form (model_dump(mode="json"))."""
    return Catalogue.model_validate(document)
