"""{% load consent_tags %}{% marketing_permission_for person %} on the person page."""

from __future__ import annotations

from typing import Any

from django import template

from rekisteri.access.selectors import scope_for

register = template.Library()


@register.inclusion_tag("consent/partials/permission.html", takes_context=True)
def marketing_permission_for(context: Any, person: Any) -> dict[str, Any]:
    from rekisteri.consent.views import permission_context

    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    return permission_context(scope, person)
