"""The audit trail's routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import Case, person_kwargs

CASES = {
    "audit:index": Case(),
    # The access log of a person is the keeping company's DPO's: a shared person's is not.
    "audit:person_log": Case(kwargs=person_kwargs, shared="refused"),
    "audit:verify": Case(),
    "api:audit_access_log": Case(kwargs=person_kwargs, shared="refused"),
    "api:audit_verify": Case(),
}
