"""Who may reach consent pages (see rekisteri.access.matrix).

The permission fragment (the rules engine's answer on the person page) is shown to every
staff role that sees the person; the proof and recording are for marketing staff and the
DPO, whose purposes cover marketing preferences.
"""

from rekisteri.access.matrix import ALL_STAFF, Rule
from rekisteri.consent.views import PREFERENCE_ROLES

_person = {"person_id": lambda f: f["person"].pk}

MATRIX = {
    "consent:permission": Rule(roles=ALL_STAFF, kwargs=_person),
    "consent:person_consents": Rule(roles=PREFERENCE_ROLES, kwargs=_person),
    "consent:record": Rule(roles=PREFERENCE_ROLES, kwargs=_person, method="POST"),
    "consent:settings": Rule(roles=PREFERENCE_ROLES),
    # API operations (consent/api.py): the same roles as the proof and recording pages.
    "api:consent_status": Rule(roles=PREFERENCE_ROLES, kwargs=_person),
    "api:consent_objection": Rule(roles=PREFERENCE_ROLES, kwargs=_person, method="POST"),
}
