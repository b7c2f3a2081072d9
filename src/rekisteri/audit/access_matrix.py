"""Who may reach the audit trail's pages and API (see access/matrix.py)."""

from rekisteri.access.matrix import Rule

DPO = frozenset({"dpo"})
CHECKERS = frozenset({"dpo", "admin"})

MATRIX = {
    "audit:index": Rule(roles=DPO),
    "audit:person_log": Rule(roles=DPO, kwargs={"person_id": lambda f: f["person"].pk}),
    "audit:verify": Rule(roles=CHECKERS),
    "api:audit_access_log": Rule(roles=DPO, kwargs={"person_id": lambda f: f["person"].pk}),
    "api:audit_verify": Rule(roles=CHECKERS),
}
