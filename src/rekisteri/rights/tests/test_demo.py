from __future__ import annotations

from io import StringIO

import pytest

from rekisteri.rights import demo
from rekisteri.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


def test_demo_puts_requests_in_the_queue_once(make_person):
    for _ in range(3):
        make_person()
    demo.load(stdout=StringIO())
    demo.load(stdout=StringIO())
    assert RightsRequest.objects.count() == 3
    assert RightsRequest.objects.filter(status="open").count() == 3
