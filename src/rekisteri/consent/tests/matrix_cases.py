"""Consent routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import Case, person_kwargs

CASES = {
    "consent:permission": Case(kwargs=person_kwargs),
    "consent:person_consents": Case(
        kwargs=person_kwargs, categories=frozenset({"marketing_preferences"})
    ),
    "consent:record": Case(
        kwargs=person_kwargs,
        method="POST",
        shared="refused",
        categories=frozenset({"marketing_preferences"}),
    ),
    "consent:settings": Case(),
    "api:consent_status": Case(
        kwargs=person_kwargs, categories=frozenset({"marketing_preferences"})
    ),
    "api:consent_objection": Case(
        kwargs=person_kwargs,
        method="POST",
        data=lambda w, o: {"source": "staff", "text": "matrix"},
        shared="refused",
        categories=frozenset({"marketing_preferences"}),
    ),
}
