"""The timing probe runs and leaves nothing behind (its figures are not asserted)."""

from __future__ import annotations

import pytest
from django.core import mail

from rekisteri.portal.timing import mann_whitney_z, probe
from rekisteri.register.models import Person
from rekisteri.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


def test_the_probe_reports_medians_and_leaves_nothing_behind(catalogue, fi_controller):
    persons = Person.objects.count()
    report = probe(requests=3)
    assert set(report) == {"requests", "known_median_ms", "unknown_median_ms", "mann_whitney_z"}
    assert Person.objects.count() == persons
    assert not RightsRequest.objects.exists()
    assert mail.outbox == []


def test_mann_whitney_z_tells_shifted_samples_apart():
    assert mann_whitney_z([1.0, 2.0, 3.0], [1.5, 2.5, 3.5]) == pytest.approx(-0.655, abs=0.01)
    assert mann_whitney_z([10.0 + i for i in range(20)], [float(i) for i in range(20)]) > 3
