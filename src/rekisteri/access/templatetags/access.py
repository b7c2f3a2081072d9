"""Template tags for the access rules: `{% load access %}`.

`{% reveal_link person %}` renders the "show in full" link beside a masked identity code,
only for a user whose role may reveal identity codes and who may see this person's codes.
"""

from __future__ import annotations

from typing import Any

from django import template

from rekisteri.access.selectors import category_of, person_categories, scope_for

register = template.Library()


@register.inclusion_tag("access/partials/reveal_link.html", takes_context=True)
def reveal_link(context: template.Context, person: Any) -> dict[str, Any]:
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    codes = category_of("register.IdentityCode")
    show = scope.can_reveal and codes in person_categories(scope, person)
    return {"show": show, "person_id": person.pk}
