"""One check of the audit trail's chain, recorded: `rekisteri audit verify`, the DPO's verify
page and the API all run it through here, so /healthz (rekisteri.health) can say when the
chain was last checked and whether it held."""

from __future__ import annotations

from rekisteri.audit.selectors import ChainProblem, audit_chain_verify
from rekisteri.audit.services import audit_verification_record


def audit_chain_check() -> tuple[int, ChainProblem | None]:
    """`audit_chain_verify`, with its outcome recorded (a ChainVerification row)."""
    checked, problem = audit_chain_verify()
    audit_verification_record(
        checked=checked,
        problem_seq=problem.seq if problem is not None else None,
        problem_kind=problem.kind if problem is not None else "",
    )
    return checked, problem
