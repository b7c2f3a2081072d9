from rekisteri.testing.fixtures import (  # noqa: F401
    actor,
    catalogue,
    fi_controller,
    make_person,
    outsider,
    se_controller,
    staff,
)
from rekisteri.testing.browser import browser_page, chromium  # noqa: F401, E402
