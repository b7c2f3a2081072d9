"""The current catalogue as an in-memory snapshot, cached per loaded version."""

from __future__ import annotations

from dataclasses import dataclass, field

from rekisteri.catalogue import models as m


@dataclass(frozen=True)
class PurposeInfo:
    code: str
    name: dict[str, str]
    legal_basis: str
    categories: frozenset[str]
    objection: str
    profiling: bool
    direct_marketing: bool
    shared_within_group: bool
    capabilities: frozenset[str]
    recipients: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RoleInfo:
    code: str
    name: dict[str, str]
    purposes: frozenset[str]
    mfa_required: bool


@dataclass(frozen=True)
class Snapshot:
    version_id: int
    version: str
    categories: dict[str, m.DataCategory] = field(default_factory=dict)
    purposes: dict[str, PurposeInfo] = field(default_factory=dict)
    roles: dict[str, RoleInfo] = field(default_factory=dict)
    sources: dict[str, m.Source] = field(default_factory=dict)
    recipients: dict[str, m.Recipient] = field(default_factory=dict)
    retention: dict[str, list[m.RetentionRule]] = field(default_factory=dict)

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


_cache: dict[int, Snapshot] = {}
EMPTY = Snapshot(version_id=0, version="")


def forget_snapshot(version_id: int) -> None:
    _cache.pop(version_id, None)


def catalogue_current_version() -> m.CatalogueVersion | None:
    return m.CatalogueVersion.objects.order_by("-id").first()


def catalogue_snapshot(version_id: int | None = None) -> Snapshot:
    if version_id is None:
        version_id = m.CatalogueVersion.objects.order_by("-id").values_list("id", flat=True).first()
        if version_id is None:
            return EMPTY
    if version_id in _cache:
        return _cache[version_id]
    version = m.CatalogueVersion.objects.get(pk=version_id)
    purposes = {}
    for p in m.Purpose.objects.filter(version=version).prefetch_related("categories"):
        purposes[p.code] = PurposeInfo(
            code=p.code,
            name=p.name,
            legal_basis=p.legal_basis,
            categories=frozenset(c.code for c in p.categories.all()),
            objection=p.objection,
            profiling=p.profiling,
            direct_marketing=p.direct_marketing,
            shared_within_group=p.shared_within_group,
            capabilities=frozenset(p.capabilities),
            recipients=tuple(p.recipients),
            sources=tuple(p.sources),
        )
    roles = {
        r.code: RoleInfo(
            code=r.code,
            name=r.name,
            purposes=frozenset(p.code for p in r.purposes.all()),
            mfa_required=r.mfa_required,
        )
        for r in m.Role.objects.filter(version=version).prefetch_related("purposes")
    }
    retention: dict[str, list[m.RetentionRule]] = {}
    for rule in m.RetentionRule.objects.filter(version=version).select_related("category"):
        retention.setdefault(rule.category.code, []).append(rule)
    snap = Snapshot(
        version_id=version.pk,
        version=version.version,
        categories={c.code: c for c in m.DataCategory.objects.filter(version=version)},
        purposes=purposes,
        roles=roles,
        sources={s.code: s for s in m.Source.objects.filter(version=version)},
        recipients={r.code: r for r in m.Recipient.objects.filter(version=version)},
        retention=retention,
    )
    _cache[version_id] = snap
    return snap
