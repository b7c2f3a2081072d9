"""The purpose of a read or write, for the audit trail: stated by the caller, or derived here.

Every access to personal data is recorded with the purpose it was done for (GDPR Art. 5(1)(b),
Art. 30). The caller states it when it knows it (an import for one purpose, a rights request);
otherwise it follows from what the user did and what was touched: the user's purposes that
cover every category touched and, when a capability was used, cover that capability too. When
several purposes do, the access served all of them and all are recorded (codes joined by
",", in catalogue order, never cut), never an arbitrary first one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope
from rekisteri.catalogue.selectors import catalogue_snapshot

SEPARATOR = ","


def access_purpose(
    scope: Scope,
    categories: Iterable[str],
    *,
    capability: str = "",
    given: str = "",
    purposes: Iterable[str] | None = None,
) -> str:
    """The purpose (or purposes) an access to `categories` is done for.

    `given`: the purpose the caller states; it must be one of the user's purposes (or of
    `purposes`, the purposes a shared person is shared under) and cover the categories, else
    the access is refused. `capability`: the capability the access used. Raises
    ProcessingRefused when no purpose of the user covers what was touched (fail closed)."""
    snap = catalogue_snapshot(scope.catalogue_version)
    held = frozenset(scope.purposes if purposes is None else purposes) & frozenset(snap.purposes)
    needed = frozenset(categories)
    covering = [
        code
        for code in snap.purposes  # catalogue order
        if code in held
        and needed <= snap.purposes[code].categories
        and (not capability or capability in snap.purposes[code].capabilities)
    ]
    if given:
        if given not in covering:
            raise ProcessingRefused(
                _("The purpose you named does not cover this processing."), code="purpose"
            )
        return given
    if not covering:
        raise ProcessingRefused(
            _("None of your role's purposes covers this processing."), code="purpose"
        )
    return SEPARATOR.join(covering)


def purposes_of(recorded: str) -> list[str]:
    """The purpose codes an audit event was recorded with."""
    return [p for p in recorded.split(SEPARATOR) if p]
