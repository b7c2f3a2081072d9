from rekisteri.testing.fixtures import (  # noqa: F401
    actor,
    catalogue,
    fi_controller,
    make_person,
    outsider,
    se_controller,
    staff,
)
