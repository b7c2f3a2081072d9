"""The shared refusal mechanism: restriction (Art. 18) and category access.

Every service that processes a person's data calls `check_processing` first; a person under
restriction may only be stored, and looked at by the DPO for their own work. Views and API
endpoints do not check this themselves: they call services and selectors that do.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rekisteri.access.selectors import Scope


class ProcessingRefused(PermissionError):
    """Refused with a reason that can be shown to the user (no personal data in it)."""

    def __init__(self, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class Operation:
    VIEW = "view"
    EDIT = "edit"
    EXPORT = "export"
    MARKETING = "marketing"
    DISCLOSE = "disclose"
    DELETE = "delete"


def check_processing(
    scope: Scope, person: Any, operation: str, *, categories: set[str] | None = None
) -> None:
    if person.restricted_since is not None:
        if scope.is_dpo and operation in (
            Operation.VIEW,
            Operation.EXPORT,
            Operation.EDIT,
            Operation.DELETE,
        ):
            return
        if operation != Operation.VIEW:
            raise ProcessingRefused(
                str(
                    _(
                        "The processing of this person's data is restricted (GDPR Art. 18): it is only stored."
                    )
                ),
                code="restricted",
            )
    if categories is not None:
        allowed = scope.categories_for(person.controller_id)
        missing = set(categories) - set(allowed)
        if missing:
            raise ProcessingRefused(
                str(_("Your role's purposes do not cover these data categories: %(cats)s"))
                % {"cats": ", ".join(sorted(missing))},
                code="category",
            )
