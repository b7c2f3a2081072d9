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

#: The main menu, in order: URL name and label.
MAIN = (
    ("register:person_list", _("Persons")),
    ("register:organization_list", _("Organisations")),
    ("imports:upload", _("Import")),
    ("marketing:home", _("Marketing")),
    ("rights:queue", _("Data subject requests")),
    ("disclosures:list", _("Disclosures")),
    ("breaches:list", _("Breaches")),
    ("audit:index", _("Audit trail")),
    ("notice:versions", _("Privacy notice")),
    ("stats:report", _("Statistics")),
    ("breaches:report", _("Report a breach")),
    ("retention:status", _("Retention")),
    ("retention:review", _("Review")),
    ("access:staff_list", _("Staff users")),
)

#: Links on a person's page to other apps' pages about the same person.
PERSON = (
    ("interactions:person_timeline", _("Timeline")),
    ("consent:person_consents", _("Consents and prohibitions")),
    ("rights:person_rights", _("Rights and restriction")),
    ("audit:person_log", _("Who accessed the data")),
    ("access:person_sharing", _("Sharing within the group")),
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


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `staff_nav`, the main menu links this user may follow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_nav": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {"staff_nav": links(scope_for(user), MAIN, current=current)}
