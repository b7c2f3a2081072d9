"""The staff navigation: each link is shown to the users the access gate lets through.

The declarations on the views (rekisteri.access.gate) are the one list of who may reach
what, so the menu never offers a page that would refuse the user, and a new page only needs
a line here to appear in the menu. A URL that does not exist is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from rekisteri.access.gate import may_reach
from rekisteri.access.selectors import Scope, scope_for

#: The main menu, in order: URL name and label. The sidebar groups the entries by work area
#: (GROUPS, by the URL's app); a new page only needs a line here.
MAIN = (
    ("register:person_list", _("Persons")),
    ("register:organization_list", _("Organisations")),
    ("enrichment:review", _("Trade register review")),
    ("imports:upload", _("Import")),
    ("marketing:home", _("Marketing")),
    ("consent:settings", _("Marketing rules")),
    ("rights:queue", _("Data subject requests")),
    ("disclosures:list", _("Disclosures")),
    ("breaches:list", _("Breaches")),
    ("screening:queue", _("Screening hits")),
    ("kyc:investigations", _("AML investigations")),
    ("retention:review", _("Review")),
    ("retention:status", _("Retention")),
    ("retention:holds", _("Legal holds")),
    ("notice:versions", _("Privacy notice")),
    ("stats:report", _("Statistics")),
    ("audit:index", _("Audit trail")),
    ("audit:verify", _("Audit chain check")),
    ("breaches:report", _("Report a breach")),
    ("access:staff_list", _("Staff users")),
    ("mail:failed", _("Messages not sent")),
    ("jobs:status", _("Background work")),
)


@dataclass(frozen=True)
class Group:
    """A work area of the sidebar: its heading, its icon (Tabler Icons) and its apps."""

    key: str
    label: Any
    icon: str
    apps: tuple[str, ...]


#: The sidebar's work areas, in order. An app not named here falls in the last one. The
#: keys and app labels are the code's names of work areas and apps, not catalogue codes.
GROUPS = (
    Group("register", _("Register"), "outline/address-book", ("register", "imports", "enrichment")),
    Group("interactions", _("Interactions"), "outline/messages", ("interactions",)),
    # catalogue-free: the marketing app and its work area
    Group("marketing", _("Marketing"), "outline/speakerphone", ("marketing", "consent")),
    # catalogue-free: the rights app and its work area
    Group("rights", _("Data subject rights"), "outline/user-shield", ("rights",)),
    Group(
        # catalogue-free: the work area's key
        "compliance",
        _("Compliance"),
        "outline/scale",
        # catalogue-free: app labels
        ("disclosures", "breaches", "retention", "notice", "stats", "kyc", "screening"),
    ),
    Group("administration", _("Administration"), "outline/settings", ()),
)

#: Links on a person's page to other apps' pages about the same person.
PERSON = (
    ("interactions:person_timeline", _("Timeline")),
    ("consent:person_consents", _("Consents and prohibitions")),
    ("rights:person_rights", _("Rights and restriction")),
    ("audit:person_log", _("Who accessed the data")),
    ("access:person_sharing", _("Sharing within the group")),
    ("kyc:person", _("Know your customer")),
    ("kyc:investigation_new", _("Open an AML investigation")),
    ("disclosures:person", _("Disclosures")),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool = False


def _section(view_name: str) -> str:
    """'register:person_detail' → 'register:person'; 'marketing:campaign_list' → 'marketing'."""
    app, _sep, name = view_name.partition(":")
    if app == "register":
        return f"{app}:{name.split('_', 1)[0]}"
    return app


def links(
    scope: Scope, entries: Any, *, kwargs: dict[str, Any] | None = None, current: str = ""
) -> list[Link]:
    """The entries this user may follow, with the first one of the current section marked."""
    out: list[Link] = []
    marked = False
    for name, label in entries:
        if not may_reach(scope, name):
            continue
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        is_current = not marked and bool(current) and _section(name) == _section(current)
        marked = marked or is_current
        out.append(Link(url, str(label), current=is_current))
    return out


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    icon: str
    links: list[Link]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def _group_of(view_name: str) -> Group:
    app = view_name.partition(":")[0]
    for group in GROUPS:
        if app in group.apps:
            return group
    return GROUPS[-1]


def grouped(scope: Scope, entries: Any = MAIN, *, current: str = "") -> list[NavGroup]:
    """The sidebar: the entries this user may follow, by work area; empty areas left out."""
    by_key: dict[str, list[Link]] = {g.key: [] for g in GROUPS}
    marked = False
    for name, label in entries:
        (link,) = links(scope, [(name, label)], current="" if marked else current) or (None,)
        if link is None:
            continue
        marked = marked or link.current
        by_key[_group_of(name).key].append(link)
    return [NavGroup(g.key, str(g.label), g.icon, by_key[g.key]) for g in GROUPS if by_key[g.key]]


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `staff_nav`, the main menu links this user may follow, and
    `staff_nav_groups`, the same links grouped by work area for the sidebar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_nav": [], "staff_nav_groups": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    scope = scope_for(user)
    return {
        "staff_nav": links(scope, MAIN, current=current),
        "staff_nav_groups": grouped(scope, MAIN, current=current),
    }
