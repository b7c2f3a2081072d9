"""Who may reach marketing pages (see rekisteri.access.matrix).

Staff pages: marketing staff and the DPO (their purposes cover direct marketing and
profiling). Public endpoints under /m/ are reached from messages: no login, and the token in
the path is the capability.
"""

from rekisteri.access.matrix import Rule
from rekisteri.marketing.public_views import bounce_webhook_token
from rekisteri.marketing.testing import (
    matrix_campaign,
    matrix_click_signed,
    matrix_list,
    matrix_recipient,
    matrix_segment,
    matrix_subscription,
)
from rekisteri.marketing.views import MARKETERS

_campaign = {"campaign_id": lambda f: matrix_campaign(f).pk}
_token = {"token": lambda f: matrix_recipient(f).token}

MATRIX = {
    "marketing:home": Rule(roles=MARKETERS),
    "marketing:list_list": Rule(roles=MARKETERS),
    "marketing:list_detail": Rule(roles=MARKETERS, kwargs={"list_id": lambda f: matrix_list(f).pk}),
    "marketing:segment_list": Rule(roles=MARKETERS),
    "marketing:segment_detail": Rule(
        roles=MARKETERS, kwargs={"segment_id": lambda f: matrix_segment(f).pk}
    ),
    "marketing:segment_compute": Rule(
        roles=MARKETERS, kwargs={"segment_id": lambda f: matrix_segment(f).pk}, method="POST"
    ),
    "marketing:campaign_list": Rule(roles=MARKETERS),
    "marketing:campaign_create": Rule(roles=MARKETERS),
    "marketing:campaign_detail": Rule(roles=MARKETERS, kwargs=_campaign),
    "marketing:campaign_edit": Rule(roles=MARKETERS, kwargs=_campaign),
    "marketing:campaign_progress": Rule(roles=MARKETERS, kwargs=_campaign),
    "marketing:campaign_queue": Rule(roles=MARKETERS, kwargs=_campaign, method="POST"),
    # Public: links in messages.
    "marketing_public:unsubscribe": Rule(public=True, kwargs=_token),
    "marketing_public:preferences": Rule(public=True, kwargs=_token),
    "marketing_public:open": Rule(public=True, kwargs=_token),
    "marketing_public:click": Rule(
        public=True,
        kwargs={
            "token": lambda f: matrix_recipient(f).token,
            "signed": lambda f: matrix_click_signed(f),
        },
    ),
    "marketing_public:confirm": Rule(
        public=True, kwargs={"token": lambda f: matrix_subscription(f).token}
    ),
    # A machine endpoint: public URL, but refused (403) without its bearer token.
    "marketing_public:bounce_webhook": Rule(
        public=True,
        method="POST",
        kwargs={
            "_headers": lambda f: {"HTTP_AUTHORIZATION": f"Bearer {bounce_webhook_token()}"},
            "_data": lambda f: {"recipient": "nobody@example.org", "status": "5.1.1"},
        },
    ),
}
