"""The one place that decides what a staff user may see and change.

A user's roles (catalogue) grant purposes; purposes cover data categories; each field names
its category (common.personal). Records belong to controllers (group companies):

- a user sees the persons of their own controllers, with the categories of all their
  purposes, and may change the fields of those categories;
- a person of another group company is visible only when a `GroupShare` row shares that
  person with one of the user's controllers under a purpose that the catalogue marks
  `shared_within_group` and that the user's roles hold; then only that purpose's
  categories are visible, and nothing is writable (the owning company keeps the record
  accurate, Art. 5(1)(d));
- every other person does not exist for the user (404, no hint).

Both the UI and the API call `scope_for`, `persons_visible` / `person_visible`,
`person_categories` and `field_access`; policy.check_processing applies the same rules to
writes, and adds restriction (Art. 18). Work that no staff user does (an import, the demo,
a link the person follows in a message) acts with `system_scope(reason)`.

Which category a field, or a model's rows, belong to is read from the field map
(`category_of`), never written here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from rekisteri.access.capabilities import Cap
from rekisteri.catalogue.selectors import catalogue_snapshot

ALWAYS_VISIBLE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scope:
    username: str
    roles: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    controller_ids: frozenset[int] = frozenset()
    #: other group companies whose records may be shared with the user (a pre-filter:
    #: each person still needs a GroupShare, see `persons_visible`)
    shared_controller_ids: frozenset[int] = frozenset()
    #: categories of the user's purposes that the catalogue shares within the group
    shared_categories: frozenset[str] = frozenset()
    #: what the user's purposes cover (rekisteri.access.capabilities); decided by the gate
    capabilities: frozenset[str] = frozenset()
    mfa_required: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: the user's purposes that the catalogue marks shared_within_group
    shared_purposes: frozenset[str] = frozenset()
    #: the catalogue version the scope was computed from: what the same request reads
    #: from the catalogue should come from it too (and need not ask for the latest again)
    catalogue_version: int | None = None
    #: why the system acts on its own authority (`system_scope`); "" for a user's scope
    system_reason: str = ""

    @property
    def is_staff(self) -> bool:
        return bool(self.roles) or self.is_system

    @property
    def is_system(self) -> bool:
        return bool(self.system_reason)

    def audit_detail(self, **detail: Any) -> dict[str, Any]:
        """`detail` for an audit event of work done in this scope: a system scope adds its
        reason, so that the trail says on whose authority the work was done."""
        return {**detail, "system": self.system_reason} if self.is_system else detail

    def can(self, capability: str) -> bool:
        """Whether one of the user's purposes covers this capability (see access.gate)."""
        return capability in self.capabilities

    def purposes_for(self, capability: str) -> frozenset[str]:
        """The user's purposes that cover a capability: what a read for it is done for."""
        snap = catalogue_snapshot(self.catalogue_version)
        return frozenset(
            p
            for p in self.purposes
            if p in snap.purposes and capability in snap.purposes[p].capabilities
        )

    @property
    def is_dpo(self) -> bool:
        """Handles data subject requests: may still work on a restricted person (Art. 18)."""
        return Cap.HANDLE_RIGHTS_REQUESTS in self.capabilities

    @property
    def can_reveal(self) -> bool:
        return Cap.REVEAL_IDENTITY_CODES in self.capabilities

    def can_read(self, category: str) -> bool:
        return category in self.categories

    def visible_controller_ids(self) -> frozenset[int]:
        return self.controller_ids | self.shared_controller_ids


NOBODY = Scope(username="anonymous")


def system_scope(reason: str, *capabilities: str) -> Scope:
    """The scope of work the system does on its own authority, not a staff user's: an
    import, the demo data, a command at the server, the person's own click on a link in a
    message.

    It sees every group company as its own; it serves the purposes of the loaded catalogue
    that cover `capabilities` (every purpose when none is named: then it also reads every
    category), and holds what those purposes cover. A capability no purpose covers refuses
    the work (fail closed). The services still apply restriction (Art. 18) and objections
    (Art. 21). `reason` says why, in a few words without personal data: the services write
    it into the audit events of the work (`Scope.audit_detail`), next to the actor.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValueError("a system scope needs its reason")
    from rekisteri.register.models import Controller

    snap = catalogue_snapshot()
    if not snap.version_id:
        from django.utils.translation import gettext as _

        from rekisteri.access.policy import ProcessingRefused

        raise ProcessingRefused(_("No processing catalogue is loaded."), code="catalogue")
    purposes = frozenset(snap.purposes)
    categories = frozenset(snap.categories) | frozenset(snap.categories_for_purposes(purposes))
    if capabilities:
        purposes = frozenset()
        for capability in capabilities:
            covering = snap.purposes_with_capability(capability)
            if not covering:
                from rekisteri.access.policy import capability_off_refusal

                raise capability_off_refusal(capability)
            purposes |= covering
        categories = frozenset(snap.categories_for_purposes(purposes))
    return Scope(
        username=f"system: {reason}"[:150],
        purposes=purposes,
        categories=categories,
        controller_ids=frozenset(Controller.objects.values_list("pk", flat=True)),
        capabilities=frozenset(snap.capabilities_for_purposes(purposes)),
        catalogue_version=snap.version_id or None,
        system_reason=reason,
    )


def scope_for(user: Any, *, catalogue_version: int | None = None) -> Scope:
    """The user's access scope. `catalogue_version`: the current catalogue version, if the
    caller has just read it (else it is read here)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    cached = getattr(user, "_rekisteri_scope", None)
    if cached is not None:
        return cached
    from rekisteri.access.models import StaffProfile
    from rekisteri.register.models import Controller

    descriptor = getattr(type(user), "staff", None)
    if descriptor is not None and descriptor.is_cached(user):
        # Loaded with the user (the API's token query selects it): no query of its own.
        profile = getattr(user, "staff", None)
    else:
        profile = StaffProfile.objects.filter(user=user).first()
    if profile is None or not user.is_active:
        scope = Scope(username=user.username)
    else:
        snap = catalogue_snapshot(catalogue_version)
        roles = frozenset(r for r in profile.roles if r in snap.roles)
        purposes = (
            frozenset().union(*(snap.roles[r].purposes for r in roles)) if roles else frozenset()
        )
        categories = frozenset(snap.categories_for_purposes(purposes))
        shared_purposes = frozenset(
            p for p in purposes if p in snap.purposes and snap.purposes[p].shared_within_group
        )
        shared_categories = frozenset(snap.categories_for_purposes(shared_purposes))
        # Every controller with whether it is one of the user's own, in one query: the
        # others are the group companies whose shared records the user may see.
        mine = StaffProfile.controllers.through.objects.filter(
            staffprofile_id=profile.pk, controller_id=OuterRef("pk")
        )
        rows = list(
            Controller.objects.order_by().annotate(mine=Exists(mine)).values_list("pk", "mine")
        )
        own = frozenset(pk for pk, is_mine in rows if is_mine)
        shared_ids = (
            frozenset(pk for pk, is_mine in rows if not is_mine)
            if shared_purposes and own
            else frozenset()
        )
        scope = Scope(
            username=user.username,
            roles=roles,
            purposes=purposes,
            categories=categories,
            controller_ids=own,
            shared_controller_ids=shared_ids,
            shared_categories=shared_categories,
            shared_purposes=shared_purposes,
            capabilities=frozenset(snap.capabilities_for_purposes(purposes)),
            mfa_required=any(snap.roles[r].mfa_required for r in roles),
            catalogue_version=snap.version_id or None,
        )
    user._rekisteri_scope = scope
    return scope


# --- Which persons ------------------------------------------------------------------------


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


def person_q(scope: Scope, path: str = "", *, categories: Iterable[str] = ()) -> Q:
    """A filter for rows whose person (reached by `path`, "" for Person) the user may see.

    `categories`: only persons of whom the user may read all of these (the user's own
    company's persons when their purposes cover them; a shared person when the purpose it
    is shared under does)."""
    needed = frozenset(categories)
    if not scope.is_staff or not scope.controller_ids or not needed <= scope.categories:
        return Q(pk__in=[])
    p = _prefix(path)
    own = Q(**{f"{p}controller_id__in": scope.controller_ids})
    shared_purposes = scope.shared_purposes
    if needed and shared_purposes:
        snap = catalogue_snapshot(scope.catalogue_version)
        shared_purposes = frozenset(
            code for code in shared_purposes if needed <= snap.purposes[code].categories
        )
    if not shared_purposes or not scope.shared_controller_ids:
        return own  # no OR: keeps the planner on the indexes
    from rekisteri.access.models import GroupShare

    # "IN (persons shared with us)": driven by the (controller, person) index of the
    # shares, which are few beside the other companies' registers.
    shared = GroupShare.objects.filter(
        controller_id__in=scope.controller_ids, purpose__in=shared_purposes
    ).values("person_id")
    return own | Q(**{f"{path}__in" if path else "pk__in": shared})


def persons_visible(
    qs: QuerySet, scope: Scope, path: str | None = None, *, categories: Iterable[str] = ()
) -> QuerySet:
    """Restrict a queryset of persons, or of any PersonalData model, to what the user sees
    (and, with `categories`, to persons of whom the user may read these categories).

    `path` is the ORM path to Person; by default the model's `subject_path`.
    """
    if path is None:
        path = getattr(qs.model, "subject_path", None)
        if path is None:
            raise ValueError(f"{qs.model._meta.label} has no subject_path; pass path=")
    return qs.filter(person_q(scope, path, categories=categories))


def person_visible(scope: Scope, person: Any) -> bool:
    if person.controller_id in scope.controller_ids:
        return scope.is_staff
    return bool(person_share_purposes(scope, person))


def person_share_purposes(scope: Scope, person: Any) -> frozenset[str]:
    """The purposes under which a person of another group company is shared with the user."""
    if person.controller_id not in scope.shared_controller_ids or not scope.shared_purposes:
        return frozenset()
    from rekisteri.access.models import GroupShare

    return frozenset(
        GroupShare.objects.filter(
            person_id=person.pk,
            controller_id__in=scope.controller_ids,
            purpose__in=scope.shared_purposes,
        ).values_list("purpose", flat=True)
    )


def person_categories(scope: Scope, person: Any) -> frozenset[str]:
    """The data categories of this person that the user may read."""
    if not scope.is_staff:
        return frozenset()
    if person.controller_id in scope.controller_ids:
        return scope.categories
    purposes = person_share_purposes(scope, person)
    if not purposes:
        return frozenset()
    return frozenset(catalogue_snapshot().categories_for_purposes(set(purposes)))


def person_writable(scope: Scope, person: Any) -> bool:
    """Whether the record is the user's own company's (a shared person is read-only)."""
    return scope.is_staff and person.controller_id in scope.controller_ids


# --- Which fields -------------------------------------------------------------------------

# Derived fields: kept in step by the services, never typed in by anyone.
DERIVED_FIELDS = frozenset(
    {
        "register.Person.search_name",
        "register.IdentityCode.lookup_hash",
        "register.IdentityCode.masked",
    }
)


@lru_cache(maxsize=1)
def _field_map() -> dict[str, dict[str, str]]:
    """model label -> {field name: category}, from common.personal (the one field map)."""
    from rekisteri.common.personal import mapped_fields, personal_models

    return {
        m._meta.label: {f.name: f.category for f in mapped_fields(m)} for m in personal_models()
    }


def _label(model: type[Model] | Model | str) -> str:
    return model if isinstance(model, str) else model._meta.label


def field_categories(model: type[Model] | Model | str) -> dict[str, str]:
    """{field name: category} of a personal-data model, from the field map ({} for others)."""
    return dict(_field_map().get(_label(model), {}))


def category_of(model: type[Model] | Model | str, name: str = "") -> str:
    """The data category of a field (`name`), or of a model's rows, from the field map.

    Without `name`, the model's `retention_category` if it declares one, else the one
    category all its mapped fields share. Fail closed: an unmapped field, or a model whose
    fields span several categories, is an error, never a guess."""
    label = _label(model)
    fields = _field_map().get(label)
    if fields is None:
        raise LookupError(f"{label} holds no personal data in the field map")
    if name:
        if name not in fields:
            raise LookupError(f"{label}.{name} has no data category in the field map")
        return fields[name]
    declared = getattr(model, "retention_category", "") if not isinstance(model, str) else ""
    if declared:
        return str(declared)
    found = set(fields.values())
    if len(found) != 1:
        raise LookupError(f"{label} has fields of several categories; name the field")
    return found.pop()


@dataclass(frozen=True)
class FieldAccess:
    """What one user may read and change of one person, per model and field."""

    categories: frozenset[str]
    writable_categories: frozenset[str]
    #: readable categories shown masked; their clear value needs an audited reveal
    masked_categories: frozenset[str] = frozenset()
    refusal: str = ""

    def category(self, model: type[Model] | Model | str, name: str) -> str | None:
        return _field_map().get(_label(model), {}).get(name)

    def can_read(self, model: type[Model] | Model | str, name: str) -> bool:
        category = self.category(model, name)
        return category is not None and category in self.categories

    def can_write(self, model: type[Model] | Model | str, name: str) -> bool:
        label = _label(model)
        category = self.category(label, name)
        return (
            category is not None
            and category in self.writable_categories
            and f"{label}.{name}" not in DERIVED_FIELDS
        )

    def readable(self, model: type[Model] | Model | str) -> frozenset[str]:
        label = _label(model)
        return frozenset(n for n in _field_map().get(label, {}) if self.can_read(label, n))

    def writable(self, model: type[Model] | Model | str) -> frozenset[str]:
        label = _label(model)
        return frozenset(n for n in _field_map().get(label, {}) if self.can_write(label, n))

    def by_model(self) -> dict[str, dict[str, frozenset[str]]]:
        """{model label: {"read": fields, "write": fields}} for every personal-data model."""
        return {
            label: {"read": self.readable(label), "write": self.writable(label)}
            for label in sorted(_field_map())
        }

    def values(self, obj: Model) -> dict[str, Any]:
        """The readable personal fields of a row, by name (others are left out)."""
        return {n: getattr(obj, n) for n in sorted(self.readable(obj))}


NO_ACCESS = FieldAccess(frozenset(), frozenset())


def field_access(*, scope: Scope, person: Any) -> FieldAccess:
    """Readable and writable fields of this person for this user.

    Read: the categories of the user's purposes (own group company) or of the purposes the
    person is shared under (another group company). Write: only on the own group company's
    records, never while processing is restricted (Art. 18) unless the user is the DPO.
    Sensitive categories (identity codes) read as masked only; see services.identity_code_reveal.
    """
    if not person_visible(scope, person):
        return NO_ACCESS
    categories = person_categories(scope, person)
    snap = catalogue_snapshot()
    masked = frozenset(
        c for c in categories if c in snap.categories and snap.categories[c].sensitive
    )
    refusal = ""
    if person.controller_id not in scope.controller_ids:
        writable: frozenset[str] = frozenset()
        refusal = "shared"
    elif person.restricted_since is not None and not scope.is_dpo:
        writable = frozenset()
        refusal = "restricted"
    else:
        writable = categories
    return FieldAccess(
        categories=categories,
        writable_categories=writable,
        masked_categories=masked,
        refusal=refusal,
    )
