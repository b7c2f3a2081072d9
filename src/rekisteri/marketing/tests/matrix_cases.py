"""Marketing routes in the permission matrix (see rekisteri.testing.matrix).

Lists, segments and campaigns belong to one group company: another company's are 404.
Public links in messages carry their own token.
"""

from __future__ import annotations

from typing import Any

from rekisteri.testing.matrix import OTHER, OWN, Case, World

_owners = (OWN, OTHER)


def _list(w: World, owner: str) -> Any:
    from rekisteri.marketing.models import MailingList

    return w.once(
        f"list-{owner}",
        lambda: MailingList.objects.create(controller=w.controller(owner), name="Matrix list"),
    )


def _segment(w: World, owner: str) -> Any:
    from rekisteri.marketing.models import Segment

    return w.once(
        f"segment-{owner}",
        lambda: Segment.objects.create(
            controller=w.controller(owner),
            name="Matrix segment",
            rules=[{"rule": "customer_kind", "value": "business"}],
        ),
    )


def _campaign(w: World, owner: str) -> Any:
    from rekisteri.marketing.models import Campaign

    return w.once(
        f"campaign-{owner}",
        lambda: Campaign.objects.create(
            controller=w.controller(owner),
            name="Matrix campaign",
            subject_fi="Hei",
            body_fi="Uutisia",
        ),
    )


def _recipient(w: World) -> Any:
    from rekisteri.marketing.models import CampaignRecipient

    return w.once(
        "recipient",
        lambda: CampaignRecipient.objects.create(
            campaign=_campaign(w, OWN),
            person=w.person(OWN),
            email="matrix@example.fi",
            token="0" * 31 + "1",
            status="sent",
        ),
    )


def _subscription(w: World) -> Any:
    from rekisteri.marketing.models import Subscription

    return w.once(
        "subscription",
        lambda: Subscription.objects.create(
            mailing_list=_list(w, OWN),
            person=w.person(OWN),
            status="pending",
            token="matrix-confirm-token",
        ),
    )


def _signed(w: World, owner: str) -> dict[str, Any]:
    from django.core import signing

    from rekisteri.marketing.sending import CLICK_SALT

    return {
        "token": _recipient(w).token,
        "signed": signing.dumps("https://example.org/", salt=CLICK_SALT, compress=True),
    }


def _bounce_headers(w: World) -> dict[str, str]:
    from rekisteri.marketing.public_views import bounce_webhook_token

    return {"HTTP_AUTHORIZATION": f"Bearer {bounce_webhook_token()}"}


CASES = {
    "marketing:home": Case(),
    "marketing:list_list": Case(),
    "marketing:list_detail": Case(kwargs=lambda w, o: {"list_id": _list(w, o).pk}, owners=_owners),
    "marketing:segment_list": Case(),
    "marketing:segment_detail": Case(
        kwargs=lambda w, o: {"segment_id": _segment(w, o).pk}, owners=_owners
    ),
    "marketing:segment_compute": Case(
        kwargs=lambda w, o: {"segment_id": _segment(w, o).pk}, owners=_owners, method="POST"
    ),
    "marketing:campaign_list": Case(),
    "marketing:campaign_create": Case(),
    "marketing:campaign_detail": Case(
        kwargs=lambda w, o: {"campaign_id": _campaign(w, o).pk}, owners=_owners
    ),
    "marketing:campaign_edit": Case(
        kwargs=lambda w, o: {"campaign_id": _campaign(w, o).pk}, owners=_owners
    ),
    "marketing:campaign_progress": Case(
        kwargs=lambda w, o: {"campaign_id": _campaign(w, o).pk}, owners=_owners
    ),
    "marketing:campaign_confirm": Case(
        kwargs=lambda w, o: {"campaign_id": _campaign(w, o).pk}, owners=_owners
    ),
    "marketing:campaign_queue": Case(
        kwargs=lambda w, o: {"campaign_id": _campaign(w, o).pk}, owners=_owners, method="POST"
    ),
    "marketing_public:unsubscribe": Case(
        kwargs=lambda w, o: {"token": _recipient(w).token}, owners=(OWN,)
    ),
    "marketing_public:preferences": Case(
        kwargs=lambda w, o: {"token": _recipient(w).token}, owners=(OWN,)
    ),
    "marketing_public:open": Case(
        kwargs=lambda w, o: {"token": _recipient(w).token}, owners=(OWN,)
    ),
    "marketing_public:click": Case(kwargs=_signed, owners=(OWN,)),
    "marketing_public:confirm": Case(
        kwargs=lambda w, o: {"token": _subscription(w).token}, owners=(OWN,)
    ),
    "marketing_public:bounce_webhook": Case(
        method="POST",
        headers=_bounce_headers,
        data=lambda w, o: {"recipient": "nobody@example.org", "status": "5.1.1"},
    ),
}
