"""What Rekisteri can do, named by the code; which purposes cover each is the catalogue's.

A capability is a piece of work the product does with personal data (keep the register,
handle rights requests, send direct marketing, …). Views and API operations declare the
capability they need (`rekisteri.access.gate`); a purpose in the catalogue lists the
capabilities it covers (`capabilities = [...]`); a user holds a capability when one of their
roles' purposes covers it. No role or purpose name appears in the code: a company may call
its roles and purposes anything.

A capability that no purpose of the loaded catalogue covers is off: its pages say so and
`rekisteri catalogue check` names it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Cap:
    """The capability codes, as the catalogue writes them."""

    KEEP_REGISTER = "keep_register"
    RECORD_INTERACTIONS = "record_interactions"
    IMPORT_DATA = "import_data"
    MANAGE_CONSENTS = "manage_consents"
    SEND_DIRECT_MARKETING = "send_direct_marketing"
    PROFILE_SEGMENTS = "build_segments"
    HANDLE_RIGHTS_REQUESTS = "handle_rights_requests"
    KEEP_BREACH_REGISTER = "keep_breach_register"
    LOG_DISCLOSURES = "log_disclosures"
    REVIEW_RETENTION = "review_retention"
    MANAGE_LEGAL_HOLDS = "manage_legal_holds"
    VIEW_RETENTION_STATUS = "view_retention_status"
    READ_AUDIT_TRAIL = "read_audit_trail"
    VERIFY_AUDIT_TRAIL = "verify_audit_trail"
    PUBLISH_NOTICE = "publish_notice"
    REVEAL_IDENTITY_CODES = "reveal_identity_codes"
    SHARE_WITHIN_GROUP = "share_within_group"
    SCREEN_CUSTOMERS = "screen_customers"
    MANAGE_STAFF = "manage_staff"
    MANAGE_MAIL_OUTBOX = "manage_mail_outbox"
    UPDATE_FROM_TRADE_REGISTER = "update_from_trade_register"
    INVESTIGATE_TRANSACTIONS = "investigate_transactions"


@dataclass(frozen=True)
class Capability:
    code: str
    label: Promise
    #: acts on persons' data: the objects it reaches are scoped by group company and
    #: purpose (False: the work is about the company's own records, e.g. the breach register)
    personal: bool = True


CAPABILITIES: dict[str, Capability] = {
    c.code: c
    for c in (
        Capability(Cap.KEEP_REGISTER, _("keep the register of persons and organisations")),
        Capability(Cap.RECORD_INTERACTIONS, _("record and read interactions")),
        Capability(Cap.IMPORT_DATA, _("import persons and organisations")),
        Capability(Cap.MANAGE_CONSENTS, _("record consents and prohibitions")),
        Capability(Cap.SEND_DIRECT_MARKETING, _("send direct marketing")),
        Capability(Cap.PROFILE_SEGMENTS, _("profile persons into segments")),
        Capability(Cap.HANDLE_RIGHTS_REQUESTS, _("handle data subject requests")),
        Capability(Cap.KEEP_BREACH_REGISTER, _("keep the breach register"), personal=False),
        Capability(Cap.LOG_DISCLOSURES, _("log disclosures to third parties")),
        Capability(Cap.REVIEW_RETENTION, _("review records due for deletion")),
        Capability(Cap.MANAGE_LEGAL_HOLDS, _("place and release legal holds")),
        Capability(
            Cap.VIEW_RETENTION_STATUS, _("follow retention sweeps and rules"), personal=False
        ),
        Capability(Cap.READ_AUDIT_TRAIL, _("read the audit trail")),
        Capability(Cap.VERIFY_AUDIT_TRAIL, _("verify the audit trail"), personal=False),
        Capability(Cap.PUBLISH_NOTICE, _("publish the privacy notice"), personal=False),
        Capability(Cap.REVEAL_IDENTITY_CODES, _("reveal personal identity codes")),
        Capability(Cap.SHARE_WITHIN_GROUP, _("share persons with other group companies")),
        Capability(Cap.SCREEN_CUSTOMERS, _("screen customers (know your customer)")),
        Capability(Cap.MANAGE_STAFF, _("manage staff users and their roles"), personal=False),
        Capability(Cap.MANAGE_MAIL_OUTBOX, _("resend or discard messages that could not be sent")),
        Capability(
            Cap.UPDATE_FROM_TRADE_REGISTER, _("update organisations from the trade register")
        ),
        Capability(
            Cap.INVESTIGATE_TRANSACTIONS,
            _("examine transactions for money laundering (AML investigations)"),
        ),
    )
}


def capability_label(code: str) -> str:
    cap = CAPABILITIES.get(code)
    if cap is None:
        raise KeyError(f"unknown capability {code!r}")
    return str(cap.label)
