"""Who may reach the notice pages (see rekisteri.access.matrix): the notice is public, the
version history, notification list and Art. 30 record are the DPO's."""

from rekisteri.access.matrix import Rule

_dpo = frozenset({"dpo"})
_first = {"number": lambda f: 1}

MATRIX = {
    "notice:public_notice": Rule(public=True),
    "notice:public_version": Rule(public=True, kwargs=_first),
    "notice:versions": Rule(roles=_dpo),
    "notice:notify": Rule(roles=_dpo, kwargs=_first),
    "notice:ropa": Rule(roles=_dpo),
    "notice:ropa_export": Rule(roles=_dpo, kwargs={"fmt": "xlsx"}),
}
