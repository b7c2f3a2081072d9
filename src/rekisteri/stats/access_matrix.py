"""Anonymous statistics are for every staff member (see rekisteri.access.matrix)."""

from rekisteri.access.matrix import ALL_STAFF, Rule

MATRIX = {"stats:report": Rule(roles=ALL_STAFF)}
