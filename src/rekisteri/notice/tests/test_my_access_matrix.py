"""Every URL of the notice, disclosures, breaches and stats apps against every role."""

import pytest
from django.urls import reverse

from rekisteri.access.matrix import ROLES
from rekisteri.breaches.access_matrix import MATRIX as BREACHES
from rekisteri.disclosures.access_matrix import MATRIX as DISCLOSURES
from rekisteri.notice.access_matrix import MATRIX as NOTICE
from rekisteri.stats.access_matrix import MATRIX as STATS

RULES = {**NOTICE, **DISCLOSURES, **BREACHES, **STATS}


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_reaches_only_what_the_matrix_allows(name, client, staff):
    rule = RULES[name]
    kwargs = {k: (v({}) if callable(v) else v) for k, v in rule.kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    anonymous = client.get(url)
    if rule.public:
        assert anonymous.status_code == 200
        return
    assert anonymous.status_code == 302
    for role in ROLES:
        client.force_login(staff[role])
        status = client.get(url).status_code
        assert status == (200 if role in rule.roles else 403), (role, status)
