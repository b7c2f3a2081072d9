"""The loaded catalogue, read one way: `catalogue_snapshot()`.

A load keeps the typed catalogue (schema.Catalogue) of each version beside its source text;
the snapshot is made from it once per version and process, and is the only way code reads
the catalogue (no module parses the TOML again or keeps defaults of its own).

What readers use:
- `snap.categories` — the categories the company declares it processes (a category the
  field map knows but the catalogue does not declare is off);
- `snap.exempt_from_access(category)` — the law (schema.AccessExemption: `law`, `reason`)
  that takes a category out of the right of access, or None; `snap.access_exemptions`;
- `snap.purposes[code]` — PurposeInfo: categories, capabilities, `legal_bases` (every basis
  with what it applies to), `legal_basis` (the first one), objection, flags;
- `snap.roles[code]` — RoleInfo: its purposes;
- `snap.sources`, `snap.recipients` (schema.Source / schema.Recipient: `functions`,
  `country`, `safeguard`, `outside_eea`);
- `snap.retention[category]` — RuleInfo per rule (see its docstring for evaluation);
- `snap.controllers`, `snap.register` (policies), `snap.notice` (effective date, custom
  sections, transfers statement), `snap.authorities`, `snap.security`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rekisteri.catalogue import models as m
from rekisteri.catalogue.conditions import WHILE_CONDITIONS, Condition
from rekisteri.catalogue.schema import (
    AccessExemption,
    Authority,
    Catalogue,
    Category,
    Controller,
    LegalBasisEntry,
    NoticeSettings,
    Period,
    Recipient,
    RegisterPolicy,
    RetentionRule,
    Source,
    catalogue_from_stored,
)


@dataclass(frozen=True)
class PurposeInfo:
    code: str
    name: dict[str, str]
    #: the first legal basis (callers written for one basis per purpose read this)
    legal_basis: str
    categories: frozenset[str]
    objection: str
    profiling: bool
    direct_marketing: bool
    shared_within_group: bool
    capabilities: frozenset[str]
    recipients: tuple[str, ...]
    sources: tuple[str, ...]
    #: every basis, in the catalogue's order, each with `basis`, `applies_to`, `interest`
    #: and `balancing_test`
    legal_bases: tuple[LegalBasisEntry, ...] = ()
    description: dict[str, str] = field(default_factory=dict)
    #: the interest of the first legitimate-interest basis ({} if none)
    legitimate_interest: dict[str, str] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)
    #: the controllers processing for this purpose; empty: all of them
    controllers: tuple[str, ...] = ()

    @property
    def bases(self) -> frozenset[str]:
        return frozenset(e.basis for e in self.legal_bases)

    @property
    def in_notice(self) -> bool:
        """A purpose on no register data (categories = []) is not in the privacy notice."""
        return bool(self.categories)


@dataclass(frozen=True)
class RoleInfo:
    code: str
    name: dict[str, str]
    purposes: frozenset[str]
    mfa_required: bool


@dataclass(frozen=True)
class RuleInfo:
    """A retention rule as the retention evaluation reads it.

    The data of `category` is due for `action` when BOTH hold:
    - no condition of `while_any` holds for the person (each code is a key of
      rekisteri.catalogue.conditions.WHILE_CONDITIONS; none: this part always holds), and
    - the start date + `period` has passed. The start date is the date of the one anchor
      (`combine == ""`, `anchors == (anchor,)`), or the later (`combine == "later_of"`) or
      the earliest (`"earlier_of"`) of the anchors' dates. An anchor that has not happened
      yet (the relationship is still open) has no date: `later_of` then has none either,
      `earlier_of` takes the others'. Anchor "needed" has no date and no period: kept as
      long as the purpose needs it (never combined).
    """

    code: str
    category: Category
    #: the one anchor; for a combined rule its `combine` ("later_of"/"earlier_of"), which
    #: is no anchor, so code that knows only single anchors leaves the rule alone
    anchor: str
    anchors: tuple[str, ...]
    combine: str
    period: Period
    while_any: tuple[str, ...]
    action: str
    legal_reference: str
    #: the rule in the company's words {fi, sv, en} ({} if none)
    description: dict[str, str]

    @property
    def is_combined(self) -> bool:
        return bool(self.combine)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return tuple(WHILE_CONDITIONS[c] for c in self.while_any)

    @property
    def period_years(self) -> int:
        return self.period.years

    @property
    def period_months(self) -> int:
        return self.period.months

    @property
    def period_days(self) -> int:
        return self.period.days

    def get_anchor_display(self) -> str:
        labels = dict(m.RetentionAnchor.choices)
        if not self.combine:
            return str(labels.get(self.anchor, self.anchor))
        joined = ", ".join(str(labels.get(a, a)) for a in self.anchors)
        return f"{'the later of' if self.combine == 'later_of' else 'the earlier of'} {joined}"

    @classmethod
    def of(cls, rule: RetentionRule, category: Category) -> RuleInfo:
        return cls(
            code=rule.code,
            category=category,
            anchor=rule.anchor.combine or rule.anchor.anchors[0],
            anchors=rule.anchor.anchors,
            combine=rule.anchor.combine,
            period=rule.period,
            while_any=rule.while_any,
            action=rule.action,
            legal_reference=rule.legal_reference,
            description=rule.description,
        )


@dataclass(frozen=True)
class Snapshot:
    version_id: int
    version: str
    #: the declared categories (schema.Category: code, name, description, sensitive, subjects)
    categories: dict[str, Category] = field(default_factory=dict)
    purposes: dict[str, PurposeInfo] = field(default_factory=dict)
    roles: dict[str, RoleInfo] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    #: category code → its rules, in the catalogue's order
    retention: dict[str, tuple[RuleInfo, ...]] = field(default_factory=dict)
    controllers: dict[str, Controller] = field(default_factory=dict)
    register: RegisterPolicy = field(default_factory=RegisterPolicy)
    notice: NoticeSettings = field(default_factory=NoticeSettings)
    authorities: dict[str, Authority] = field(default_factory=dict)
    security: tuple[dict[str, str], ...] = ()
    #: the typed catalogue itself (schema.Catalogue), for what is written from all of it
    catalogue: Catalogue | None = None

    def purposes_for_category(self, category: str) -> list[PurposeInfo]:
        return [p for p in self.purposes.values() if category in p.categories]

    def capabilities_for_purposes(self, purposes: set[str] | frozenset[str]) -> set[str]:
        out: set[str] = set()
        for code in purposes:
            if code in self.purposes:
                out |= self.purposes[code].capabilities
        return out

    def purposes_with_capability(self, capability: str) -> frozenset[str]:
        return frozenset(p.code for p in self.purposes.values() if capability in p.capabilities)

    def categories_for_purposes(self, purposes: set[str] | frozenset[str]) -> set[str]:
        out: set[str] = set()
        for code in purposes:
            if code in self.purposes:
                out |= self.purposes[code].categories
        return out

    def uncovered_capabilities(self) -> list[str]:
        """Capabilities no purpose covers: those features are off."""
        from rekisteri.access.capabilities import CAPABILITIES

        covered = self.capabilities_for_purposes(set(self.purposes))
        return [code for code in CAPABILITIES if code not in covered]

    def exempt_from_access(self, category: str) -> AccessExemption | None:
        """The law that exempts this category from the right of access (Art. 15), or None.

        The access package leaves out the data of an exempt category and says so with the
        exemption's `law` and `reason` ({fi, sv, en} texts); see docs/kyc.md."""
        c = self.categories.get(category)
        return c.access_exemption if c is not None else None

    @property
    def access_exemptions(self) -> dict[str, AccessExemption]:
        """Every declared category a law exempts from the right of access, by code."""
        return {
            code: c.access_exemption
            for code, c in self.categories.items()
            if c.access_exemption is not None
        }

    def identity_code_country(self, controller_code: str) -> str:
        """Whose identity codes a person of this controller has when none is given: the
        register's `identity_code_country`, else the controller's own country."""
        if self.register.identity_code_country:
            return self.register.identity_code_country
        return self.controllers[controller_code].country


def snapshot_of(catalogue: Catalogue, *, version_id: int = 0) -> Snapshot:
    """The snapshot of a typed catalogue (also of one not loaded, e.g. to compare)."""
    categories = {c.code: c for c in catalogue.categories}
    retention: dict[str, list[RuleInfo]] = {}
    for rule in catalogue.retention:
        retention.setdefault(rule.category, []).append(RuleInfo.of(rule, categories[rule.category]))
    return Snapshot(
        version_id=version_id,
        version=catalogue.version,
        categories=categories,
        purposes={
            p.code: PurposeInfo(
                code=p.code,
                name=p.name,
                legal_basis=p.legal_basis,
                legal_bases=p.legal_bases,
                categories=frozenset(p.categories),
                objection=p.objection,
                profiling=p.profiling,
                direct_marketing=p.direct_marketing,
                shared_within_group=p.shared_within_group,
                capabilities=frozenset(p.capabilities),
                recipients=p.recipients,
                sources=p.sources,
                description=p.description,
                legitimate_interest=p.legitimate_interest,
                required=p.required,
                controllers=p.controllers,
            )
            for p in catalogue.purposes
        },
        roles={
            r.code: RoleInfo(
                code=r.code,
                name=r.name,
                purposes=frozenset(r.purposes),
                mfa_required=r.mfa_required,
            )
            for r in catalogue.roles
        },
        sources={s.code: s for s in catalogue.sources},
        recipients={r.code: r for r in catalogue.recipients},
        retention={k: tuple(v) for k, v in retention.items()},
        controllers={c.code: c for c in catalogue.controllers},
        register=catalogue.register_policy,
        notice=catalogue.notice,
        authorities=dict(catalogue.authorities),
        security=catalogue.security.measures,
        catalogue=catalogue,
    )


_cache: dict[int, Snapshot] = {}
EMPTY = Snapshot(version_id=0, version="")


def forget_snapshot(version_id: int) -> None:
    _cache.pop(version_id, None)


def catalogue_current_version() -> m.CatalogueVersion | None:
    return m.CatalogueVersion.objects.order_by("-id").first()


class CatalogueUnreadable(RuntimeError):
    """A loaded version without its typed form (loaded before the typed format, and not
    convertible): load the catalogue again."""


def catalogue_snapshot(version_id: int | None = None) -> Snapshot:
    """The snapshot of a loaded version (default: the current one; EMPTY if none)."""
    if version_id is None:
        version_id = m.CatalogueVersion.objects.order_by("-id").values_list("id", flat=True).first()
        if version_id is None:
            return EMPTY
    if version_id in _cache:
        return _cache[version_id]
    document: Any = (
        m.CatalogueVersion.objects.filter(pk=version_id).values_list("document", flat=True).get()
    )
    if not document:
        raise CatalogueUnreadable(
            f"catalogue version #{version_id} has no typed form; load the catalogue again "
            "(`rekisteri catalogue load FILE`, converted first with `rekisteri catalogue "
            "migrate FILE` if it is of the first format)"
        )
    snap = snapshot_of(catalogue_from_stored(document), version_id=version_id)
    _cache[version_id] = snap
    return snap
