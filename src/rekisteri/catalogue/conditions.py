"""The register-state conditions a retention rule may name in `while_any`.

A rule such as Vastuu's "while the person is the customer's contact, or while we keep the
history of the service the customer used" keeps data regardless of its period as long as
any of its conditions holds. The catalogue names conditions by these codes; this is the one
list of them (the schema validates against it, the notice words them from it, and the
retention evaluation decides each one from the register's own rows).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    code: str
    #: what the condition means, as the notice and the DPO's screens say it
    text: dict[str, str]
    #: what the retention evaluation checks in the register (for developers and the docs)
    checks: str


WHILE_CONDITIONS: dict[str, Condition] = {
    c.code: c
    for c in (
        Condition(
            "is_contact_person",
            {
                "fi": "niin kauan kuin olet asiakkaan yhteyshenkilö",
                "sv": "så länge du är kundens kontaktperson",
                "en": "as long as you are a contact person of the customer",
            },
            "the person has a link to an organisation that has not ended",
        ),
        Condition(
            "has_open_relationship",
            {
                "fi": "niin kauan kuin asiakassuhde on voimassa",
                "sv": "så länge kundrelationen pågår",
                "en": "as long as the customer relationship lasts",
            },
            "the person, or an organisation they are linked to, has a relationship that has "
            "not ended",
        ),
        Condition(
            "service_history_kept",
            {
                "fi": "niin kauan kuin säilytämme asiakkaan käyttämän palvelun historiatietoja",
                "sv": "så länge vi sparar historiken över de tjänster kunden har använt",
                "en": "as long as we keep the history of the services the customer has used",
            },
            "an organisation the person is linked to still has service requests or service "
            "use records in the register",
        ),
    )
}
