"""The staff lists' pagination lives in `rekisteri.common.pagination` (layer 1), so that every
app's list can use it without importing the staff shell; this name stays for the register."""

from rekisteri.common.pagination import (  # noqa: F401
    COUNT_CAP,
    PER_PAGE,
    Count,
    Page,
    capped_count,
    configure,
    page_number,
    paginate,
)
