"""Who may reach the staff shell's pages (see rekisteri.access.matrix)."""

from rekisteri.access.matrix import ALL_STAFF, Rule

MATRIX = {
    "staff:home": Rule(roles=ALL_STAFF),
    "staff:login": Rule(public=True),
    "staff:logout": Rule(public=True, method="POST"),
    # Django's language switch (django.conf.urls.i18n), used by the layout on every page.
    "set_language": Rule(public=True, method="POST"),
}
