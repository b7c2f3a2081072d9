"""Campaign sending as a job of the worker (jobs.registry "campaign-send").

The *Send* button queues it (one job per campaign: its key); the worker runs it under the
same system scope as `rekisteri campaign send`. Running it again is always safe: sending
resumes where a stopped or killed run left off (marketing.recovery), so the job queue may
retry it after a failure or after its worker was killed.
"""

from __future__ import annotations

from rekisteri.access.capabilities import Cap
from rekisteri.jobs.models import Job
from rekisteri.jobs.queue import enqueue
from rekisteri.marketing.models import Campaign
from rekisteri.marketing.processing import system_actor, system_scope
from rekisteri.marketing.sending import campaign_send

JOB = "campaign-send"


class SendIncomplete(RuntimeError):
    """The run ended with messages still in the queue: the job is tried again."""


def campaign_job_key(campaign_id: int) -> str:
    return f"{JOB}:{campaign_id}"


def campaign_enqueue(campaign: Campaign) -> Job:
    """Queue the campaign's sending (once; again only if its job failed for good)."""
    return enqueue(JOB, kwargs={"campaign_id": campaign.pk}, key=campaign_job_key(campaign.pk))


def campaign_send_job(*, campaign_id: int) -> None:
    campaign = Campaign.objects.select_related("controller").get(pk=campaign_id)
    scope = system_scope(f"the worker sends campaign {campaign.pk}", Cap.SEND_DIRECT_MARKETING)
    report = campaign_send(actor=system_actor(scope), scope=scope, campaign=campaign)
    if report.remaining:
        raise SendIncomplete(f"campaign {campaign.pk}: {report.remaining} messages left")
