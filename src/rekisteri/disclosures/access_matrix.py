"""Who may reach the disclosure log (see rekisteri.access.matrix)."""

from rekisteri.access.matrix import Rule
from rekisteri.disclosures.views import DISCLOSERS

MATRIX = {
    "disclosures:list": Rule(roles=DISCLOSERS),
    "disclosures:create": Rule(roles=DISCLOSERS),
}
