"""Filters of the disclosure log (django-filter), over the disclosures the user may see
(`selectors.disclosure_list`): the recipient, chosen by its name in the catalogue, and the
basis. A person's own log is reached from their page (`disclosures:person`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.disclosures.models import Disclosure, DisclosureBasis


def recipient_choices() -> list[tuple[str, str]]:
    """The catalogue's recipients by name in the user's language (with the country), in the
    order of their names."""
    lang = (get_language() or "en")[:2]
    lang = lang if lang in ("fi", "sv", "en") else "en"
    snap = catalogue_snapshot()
    choices = [
        (code, f"{r.label(lang)} ({r.country})" if r.country else r.label(lang))
        for code, r in snap.recipients.items()
    ]
    return sorted(choices, key=lambda c: c[1].casefold())


class DisclosureFilter(django_filters.FilterSet):
    recipient = django_filters.ChoiceFilter(
        label=_("Recipient"), field_name="recipient_code", empty_label=_("All")
    )
    basis = django_filters.ChoiceFilter(
        label=_("Basis"), choices=DisclosureBasis.choices, empty_label=_("All")
    )

    class Meta:
        model = Disclosure
        fields = ["recipient", "basis"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["recipient"].extra["choices"] = recipient_choices()
