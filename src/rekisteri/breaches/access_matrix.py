"""Who may reach the breach register (see rekisteri.access.matrix): every staff member can
report a breach; the register itself is the DPO's."""

from rekisteri.access.matrix import ALL_STAFF, Rule


def _breach(f):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from rekisteri.breaches.models import Breach

    b = Breach.objects.first() or Breach.objects.create(
        title="matrix",
        description="matrix test",
        discovered_at=timezone.now(),
        recorded_at=timezone.now(),
        recorded_by="test",
    )
    return b.pk


_dpo = frozenset({"dpo"})

MATRIX = {
    "breaches:list": Rule(roles=_dpo),
    "breaches:report": Rule(roles=ALL_STAFF),
    "breaches:detail": Rule(roles=_dpo, kwargs={"breach_id": _breach}),
    "breaches:affected": Rule(roles=_dpo, kwargs={"breach_id": _breach}),
}
