"""`{% load persons %}{% person_name person %}`: a person's name where a page names them.

A title or heading names the person only for a user who may read the name (the field map's
category of `Person.last_name`, for this person: own company's, or shared under a purpose
that covers it); anyone else sees "Person 12".
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from rekisteri.access.selectors import NOBODY, Scope, field_access, scope_for
from rekisteri.register.models import Person

register = template.Library()


def _scope(context: template.Context) -> Scope:
    request = context.get("request")
    if request is None:
        return NOBODY
    scope = getattr(request, "scope", None)
    return scope if isinstance(scope, Scope) else scope_for(getattr(request, "user", None))


def display_name(scope: Scope, person: Person) -> str:
    """The person's name, or "Person <id>" for a user who may not read it."""
    access = field_access(scope=scope, person=person)
    if access.can_read(Person, "first_name") and access.can_read(Person, "last_name"):
        name = f"{person.first_name} {person.last_name}".strip()
        if name:
            return name
    return _("Person %(id)s") % {"id": person.pk}


@register.simple_tag(takes_context=True)
def person_name(context: template.Context, person: Any) -> str:
    return display_name(_scope(context), person)
