"""The access app's routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import Case, person_kwargs

CASES = {
    "access:mfa_setup": Case(),
    "access:mfa_verify": Case(),
    "access:person_sharing": Case(kwargs=person_kwargs),
    # A shared person's identity code is not shared: revealing it is refused (404/403).
    "access:identity_code_reveal": Case(kwargs=person_kwargs, shared="refused"),
}
