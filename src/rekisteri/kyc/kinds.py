"""The record kinds of an organisation's KYC, in one table: what the staff pages and the API
need to record, correct and remove each kind (model, form, capability, words and names,
and the service that does each step).

The generic views (kyc.views) and API operations (kyc.api) are driven by `KINDS`; a new
kind is one entry here. The URL slugs (`owner`, `representation`, `pep`, `due_diligence`)
and the API's operation ids (`kyc_<api_name>_update`, `kyc_<api_name>_remove`) come from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rekisteri.access.capabilities import Cap
from rekisteri.kyc import services
from rekisteri.kyc.forms import DueDiligenceForm, OwnerForm, PepForm, RepresentationForm
from rekisteri.kyc.models import BeneficialOwner, DueDiligence, PepStatus, RepresentationRight


@dataclass(frozen=True)
class RecordKind:
    #: in the page URLs and the form's prefix
    slug: str
    model: type[models.Model]
    form: type[Any]
    capability: str
    #: "Remove this …?"
    what: Promise
    recorded: Promise
    corrected: Promise
    removed: Promise
    #: the API: operation ids kyc_<api_name>_update / _remove, the record's path (its
    #: parent is an organisation, or the person for `by_person`), and its English name
    api_name: str
    api_path: str
    api_what: str
    #: `create(scope, actor, organization_id, person_id, data)`
    create: Callable[..., Any]
    #: `update(scope, actor, organization_id (None: through the person), record_id, data)`
    update: Callable[..., Any]
    #: `remove(scope, actor, organization_id (None: through the person), record_id)`
    remove: Callable[..., Any]
    by_person: bool = False
    #: the API corrects it with PUT (a beneficial owner is corrected by posting it again)
    api_correctable: bool = True

    @property
    def for_a_person(self) -> bool:
        """The form chooses a person (a due diligence is the organisation's own)."""
        return self.model is not DueDiligence


def _remove_through_organisation(slug: str) -> Callable[..., Any]:
    def remove(*, scope: Any, actor: Any, organization_id: int | None, record_id: int) -> None:
        assert organization_id is not None
        services.kyc_record_remove(
            scope=scope,
            actor=actor,
            organization_id=organization_id,
            kind=slug,
            record_id=record_id,
        )

    return remove


def _pep_remove(*, scope: Any, actor: Any, organization_id: int | None, record_id: int) -> None:
    if organization_id is None:
        services.pep_remove(scope=scope, actor=actor, pep_id=record_id)
    else:
        _remove_through_organisation("pep")(
            scope=scope, actor=actor, organization_id=organization_id, record_id=record_id
        )


KINDS: dict[str, RecordKind] = {
    kind.slug: kind
    for kind in (
        RecordKind(
            slug="owner",
            model=BeneficialOwner,
            form=OwnerForm,
            capability=Cap.SCREEN_CUSTOMERS,
            what=_("beneficial owner"),
            recorded=_("The beneficial owner is recorded."),
            corrected=_("The beneficial owner is corrected."),
            removed=_("The beneficial owner is removed."),
            api_name="owner",
            api_path="/organizations/{organization_id}/owners/{record_id}",
            api_what="a beneficial owner",
            create=services.beneficial_owner_record,
            update=lambda *, record_id, **kw: services.beneficial_owner_update(
                owner_id=record_id, **kw
            ),
            remove=_remove_through_organisation("owner"),
            api_correctable=False,
        ),
        RecordKind(
            slug="representation",
            model=RepresentationRight,
            form=RepresentationForm,
            capability=Cap.SCREEN_CUSTOMERS,
            what=_("right to represent"),
            recorded=_("The right to represent is recorded."),
            corrected=_("The right to represent is corrected."),
            removed=_("The right to represent is removed."),
            api_name="representation",
            api_path="/organizations/{organization_id}/representatives/{record_id}",
            api_what="a right to represent",
            create=services.representation_record,
            update=lambda *, record_id, **kw: services.representation_update(
                right_id=record_id, **kw
            ),
            remove=_remove_through_organisation("representation"),
        ),
        RecordKind(
            slug="pep",
            model=PepStatus,
            form=PepForm,
            capability=Cap.SCREEN_CUSTOMERS,
            what=_("PEP status"),
            recorded=_("The PEP status is recorded."),
            corrected=_("The PEP status is corrected."),
            removed=_("The PEP status is removed."),
            api_name="pep",
            api_path="/persons/{person_id}/pep/{record_id}",
            api_what="a person's PEP status",
            create=lambda *, organization_id, **kw: services.pep_record(**kw),
            update=lambda *, record_id, **kw: services.pep_update(pep_id=record_id, **kw),
            remove=_pep_remove,
            by_person=True,
        ),
        RecordKind(
            slug="due_diligence",
            model=DueDiligence,
            form=DueDiligenceForm,
            capability=Cap.SCREEN_CUSTOMERS,
            what=_("customer due diligence"),
            recorded=_("The customer due diligence is recorded."),
            corrected=_("The customer due diligence is corrected."),
            removed=_("The customer due diligence is removed."),
            api_name="due_diligence",
            api_path="/organizations/{organization_id}/due-diligence/{record_id}",
            api_what="a customer due diligence decision",
            create=lambda *, person_id, **kw: services.due_diligence_record(**kw),
            update=lambda *, record_id, **kw: services.due_diligence_update(
                due_diligence_id=record_id, **kw
            ),
            remove=_remove_through_organisation("due_diligence"),
        ),
    )
}
