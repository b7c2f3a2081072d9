"""Objects for the permission-matrix test: a list, segment, campaign and message token."""

from __future__ import annotations

from typing import Any

from rekisteri.audit.services import Actor

ACTOR = Actor("matrix-test")


def matrix_list(f: dict[str, Any]) -> Any:
    from rekisteri.marketing.models import MailingList

    return MailingList.objects.get_or_create(controller=f["person"].controller, name="Matrix list")[
        0
    ]


def matrix_segment(f: dict[str, Any]) -> Any:
    from rekisteri.marketing.models import Segment

    return Segment.objects.get_or_create(
        controller=f["person"].controller,
        name="Matrix segment",
        defaults={"rules": [{"rule": "customer_kind", "value": "business"}]},
    )[0]


def matrix_campaign(f: dict[str, Any]) -> Any:
    from rekisteri.marketing.models import Campaign

    return Campaign.objects.get_or_create(
        controller=f["person"].controller,
        name="Matrix campaign",
        defaults={"subject_fi": "Hei", "body_fi": "Uutisia"},
    )[0]


def matrix_recipient(f: dict[str, Any]) -> Any:
    from rekisteri.marketing.models import CampaignRecipient

    person = f["person"]
    return CampaignRecipient.objects.get_or_create(
        campaign=matrix_campaign(f),
        person=person,
        defaults={"email": "matrix@example.fi", "token": "0" * 31 + "1", "status": "sent"},
    )[0]


def matrix_subscription(f: dict[str, Any]) -> Any:
    from rekisteri.marketing.models import Subscription

    return Subscription.objects.get_or_create(
        mailing_list=matrix_list(f),
        person=f["person"],
        defaults={"status": "pending", "token": "matrix-confirm-token"},
    )[0]


def matrix_click_signed(f: dict[str, Any]) -> str:
    from django.core import signing

    from rekisteri.marketing.sending import CLICK_SALT

    return signing.dumps("https://example.org/", salt=CLICK_SALT, compress=True)
