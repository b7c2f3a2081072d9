"""The access app's routes in the permission matrix (see rekisteri.testing.matrix)."""

from typing import Any

from rekisteri.testing.matrix import OWN, Case, World, person_kwargs


def _staff_user(w: World, owner: str) -> dict[str, Any]:
    from rekisteri.testing.fixtures import make_staff

    def make() -> Any:
        return make_staff("matrix-colleague", [], [w.own_controller])

    return {"user_id": w.once("staff_user", make).pk}


CASES = {
    "access:mfa_setup": Case(),
    "access:mfa_verify": Case(),
    "access:person_sharing": Case(kwargs=person_kwargs),
    # A shared person's identity code is not shared: revealing it is refused (404/403).
    "access:identity_code_reveal": Case(kwargs=person_kwargs, shared="refused"),
    "access:staff_list": Case(),
    "access:staff_create": Case(),
    # Staff users are the group's, not one company's: one user, reached by the admin only.
    "access:staff_detail": Case(kwargs=_staff_user, owners=(OWN,)),
}
