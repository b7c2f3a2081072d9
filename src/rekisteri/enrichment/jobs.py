"""The staff action "Update from the trade register" as a job of the worker.

The page queues it (one job per organisation: its key), so a slow or unreachable register
never holds a request; the worker fetches the company from PRH and applies it exactly as
`rekisteri enrich ytj --fetch` does, under a system scope whose reason names the job and
with the requesting staff user as the actor of every audit event. A fetch that fails (the
register down, a timeout) fails the job, which the queue retries (jobs.queue.backoff).
"""

from __future__ import annotations

from rekisteri.access.capabilities import Cap
from rekisteri.access.selectors import system_scope
from rekisteri.audit.services import Actor
from rekisteri.enrichment.fetch import fetch_ytj
from rekisteri.enrichment.services import enrich_organization
from rekisteri.jobs.models import Job
from rekisteri.jobs.queue import enqueue
from rekisteri.register.models import Organization

JOB = "trade-register-update"


def update_enqueue(organization: Organization, *, requested_by: str) -> Job:
    return enqueue(
        JOB,
        kwargs={"organization_id": organization.pk, "requested_by": requested_by},
        key=f"{JOB}:{organization.pk}",
    )


def trade_register_update_job(*, organization_id: int, requested_by: str) -> None:
    org = Organization.objects.select_related("controller").get(pk=organization_id)
    company = fetch_ytj(org.business_id)
    scope = system_scope(
        f"the worker updates organisation {org.pk} from the trade register",
        Cap.UPDATE_FROM_TRADE_REGISTER,
    )
    enrich_organization(
        actor=Actor(requested_by or "worker"), scope=scope, organization=org, company=company
    )
