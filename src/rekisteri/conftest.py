from rekisteri.testing.audit import _flush_lifts_the_audit_guard  # noqa: F401
from rekisteri.testing.browser import browser_page, chromium, optional_chromium  # noqa: F401, E402
from rekisteri.testing.fixtures import (  # noqa: F401
    _fast_password_hashing,
    _force_login_passes_second_factor,
    _fresh_match_index,
    actor,
    catalogue,
    fi_controller,
    make_person,
    outsider,
    se_controller,
    staff,
)
