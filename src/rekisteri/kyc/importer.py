"""Importing KYC records from spreadsheets: beneficial owners, rights to represent and PEP
statuses (`rekisteri kyc import FILE --kind owners|representatives|pep`, docs/kyc.md).

The file is read by the imports app's readers (CSV UTF-8 or XLSX, headers in English,
Finnish or Swedish, an unknown column named) and reported with its error model (`RowError`:
row and column; `Note`: a duplicate). Every row is written by the KYC services, so it is
checked and audited exactly as a form or the API would: the capability, the user's group
companies, the processing rules of the person, the audit event with the KYC category.

- A person is found as the register import finds one: by the normalised email or the
  personal identity code, in the group company's register; an organisation by its business
  ID (and country). Nobody is created: import the persons and organisations first.
- All or nothing: the whole file runs in one transaction; any bad row rolls all of it back
  and every error is listed. A dry run goes the same way and is always rolled back, so its
  report is exactly what the real run would do.
- Duplicates: a later row for the same record as an earlier row is skipped; a record that
  is already in the register is corrected (a beneficial owner: one per organisation and
  person) or skipped (the same right to represent, the same PEP position); each one is a
  line of the report.
- Provenance: each record gets its source and the date of the source from the row (columns
  `source`, `source_date`), or from the command's `--source` / `--source-date`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import TextChoices
from django.utils import translation

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import ProcessingRefused
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.services import actor_of, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.catalogue.selectors import catalogue_snapshot
from rekisteri.imports.readers import (
    BROKEN,
    ORGANIZATION_COLUMNS,
    PERSON_COLUMNS,
    register_columns,
)
from rekisteri.imports.services import ImportReport, Note, RowError
from rekisteri.kyc import services
from rekisteri.kyc.models import (
    BeneficialOwner,
    ControlKind,
    KycSource,
    PepRelation,
    PepStatus,
    RepresentationKind,
    RepresentationRight,
)
from rekisteri.register.inputs import IDENTITY_CODE
from rekisteri.register.models import (
    ContactKind,
    ContactPoint,
    Controller,
    IdentityCode,
    Organization,
)
from rekisteri.register.policies import identity_country_of
from rekisteri.register.services import SourceRef, identity_code_hash
from rekisteri.register.validators import (
    InvalidValue,
    normalise_business_id,
    normalise_country,
    normalise_email,
    normalise_identity_code,
)

Rows = Iterable[tuple[int, Mapping[str, str]]]

_PERSON_KEY = {
    "email": PERSON_COLUMNS["email"],
    IDENTITY_CODE: PERSON_COLUMNS[IDENTITY_CODE],
    "identity_code_country": PERSON_COLUMNS["identity_code_country"],
}
_ORGANISATION_KEY = {
    "business_id": ORGANIZATION_COLUMNS["business_id"],
    "organization_country": PERSON_COLUMNS["organization_country"],
}
_PROVENANCE = {
    "source": ("lähde", "tietolähde", "källa"),
    "source_date": (
        "date of the source",
        "source dated",
        "lähteen päivämäärä",
        "lähteen päiväys",
        "källans datum",
    ),
}

#: kind → its columns (field → the headers it is known by in English, Finnish, Swedish)
KYC_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "owners": {
        **_PERSON_KEY,
        **_ORGANISATION_KEY,
        "control": (
            "kind of control",
            "määräysvalta",
            "määräysvallan laji",
            "kontroll",
            "typ av kontroll",
        ),
        "share_percent": (
            "share",
            "ownership share",
            "share %",
            "omistusosuus",
            "osuus",
            "omistusosuus %",
            "ägarandel",
            "andel",
        ),
        **_PROVENANCE,
    },
    "representatives": {
        **_PERSON_KEY,
        **_ORGANISATION_KEY,
        "kind": ("right", "right to represent", "edustusoikeus", "oikeus", "behörighet", "rätt"),
        "evidence": ("todiste", "näyttö", "bevis", "underlag"),
        "valid_from": ("voimassa alkaen", "alkaen", "giltig från", "från"),
        "valid_until": ("voimassa asti", "voimassa saakka", "asti", "giltig till", "till"),
        **_PROVENANCE,
    },
    "pep": {
        **_PERSON_KEY,
        "relation": ("basis", "pep basis", "peruste", "grund"),
        "related_to": (
            "of whom",
            "family member or close associate of",
            "kenen",
            "kenen perheenjäsen tai läheinen",
            "vems",
            "närstående till",
        ),
        "position": ("asema", "tehtävä", "ställning", "uppdrag"),
        "country": ("maa", "land"),
        "since": ("alkaen", "från"),
        "until": ("asti", "saakka", "till"),
        "next_review": (
            "next review date",
            "seuraava tarkistus",
            "seuraava tarkastus",
            "nästa kontroll",
            "nästa granskning",
        ),
        **_PROVENANCE,
    },
}
KYC_REQUIRED: dict[str, tuple[str, ...]] = {
    "owners": ("business_id", "control"),
    "representatives": ("business_id", "kind", "evidence"),
    "pep": ("relation", "position", "country", "next_review"),
}
KINDS = tuple(KYC_COLUMNS)
_DATES = ("source_date", "valid_from", "valid_until", "since", "until", "next_review")
_CHOICES: dict[str, type[TextChoices]] = {
    "source": KycSource,
    "control": ControlKind,
    "kind": RepresentationKind,
    "relation": PepRelation,
}


def register() -> None:
    """Make the imports app's readers know the KYC kinds (called when the app is ready)."""
    for kind, columns in KYC_COLUMNS.items():
        register_columns(kind, columns, KYC_REQUIRED[kind])


@dataclass
class KycImportReport(ImportReport):
    """The register import's report (errors, notes, counts) with the KYC import's own
    counts: records corrected, and the ids of the records written."""

    corrected: int = 0
    record_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.errors:
            return super().summary()
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} row(s) read, {self.created} {verb} created, {self.corrected} {verb}"
            f" corrected, {self.skipped} duplicate(s) {verb} skipped"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        )


class _RowFailed(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _choice_words(choices: type[TextChoices]) -> dict[str, str]:
    """Each value's code and its label in English, Finnish and Swedish → the code."""
    words: dict[str, str] = {}
    for value, label in zip(choices.values, choices.labels, strict=True):
        words[value.casefold()] = value
        for language in ("en", "fi", "sv"):
            with translation.override(language):
                words[str(label).casefold()] = value
    return words


_FI_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _date_text(value: str) -> str:
    """'2026-01-15' as it is; the Finnish '15.1.2026' as 2026-01-15 (the service checks)."""
    m = _FI_DATE.fullmatch(value)
    if m:
        try:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            return value
    return value


@dataclass
class _Importer:
    scope: Scope
    actor: Any
    controller: Controller
    kind: str
    labels: Mapping[str, str]
    default_source: str
    default_source_date: str
    report: KycImportReport
    identity_country: str = "FI"
    seen: dict[tuple[Any, ...], int] = field(default_factory=dict)
    words: dict[str, dict[str, str]] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return self.labels.get(name, name)

    # --- who and which organisation ---------------------------------------------------

    def person_id(self, row: Mapping[str, str]) -> int:
        email = (row.get("email") or "").strip()
        code = (row.get(IDENTITY_CODE) or "").strip()
        if not email and not code:
            raise _RowFailed(
                self.column("email" if "email" in self.labels else IDENTITY_CODE),
                "give the person's email or personal identity code",
            )
        by_email = by_code = None
        if email:
            try:
                value = normalise_email(email)
            except InvalidValue as exc:
                raise _RowFailed(self.column("email"), str(exc)) from None
            by_email = (
                ContactPoint.objects.filter(
                    kind=ContactKind.EMAIL, value=value, person__controller=self.controller
                )
                .values_list("person_id", flat=True)
                .first()
            )
            if by_email is None:
                raise _RowFailed(
                    self.column("email"),
                    "no person with this email in the register (import the persons first)",
                )
        if code:
            country = (row.get("identity_code_country") or "").strip() or self.identity_country
            try:
                value = normalise_identity_code(code, country)
            except InvalidValue as exc:
                raise _RowFailed(self.column(IDENTITY_CODE), str(exc)) from None
            by_code = (
                IdentityCode.objects.filter(
                    lookup_hash=identity_code_hash(value), person__controller=self.controller
                )
                .values_list("person_id", flat=True)
                .first()
            )
            if by_code is None:
                raise _RowFailed(
                    self.column(IDENTITY_CODE),
                    "no person with this identity code in the register (import the persons first)",
                )
        if by_email is not None and by_code is not None and by_email != by_code:
            raise _RowFailed(
                self.column(IDENTITY_CODE),
                "the email and the identity code are of two different persons",
            )
        found = by_email if by_email is not None else by_code
        assert found is not None
        return int(found)

    def organization_id(self, row: Mapping[str, str]) -> int:
        given = (row.get("business_id") or "").strip()
        if not given:
            raise _RowFailed(self.column("business_id"), "this is required")
        country = (row.get("organization_country") or "").strip()
        try:
            country = normalise_country(country) if country else (self.controller.country or "FI")
        except InvalidValue as exc:
            raise _RowFailed(self.column("organization_country"), str(exc)) from None
        try:
            bid = normalise_business_id(given, country)
        except InvalidValue as exc:
            raise _RowFailed(self.column("business_id"), str(exc)) from None
        pk = (
            Organization.objects.filter(
                controller=self.controller, country=country, business_id=bid
            )
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            raise _RowFailed(
                self.column("business_id"),
                "no organisation with this business ID in the register"
                " (import the organisations first)",
            )
        return int(pk)

    # --- the record's values --------------------------------------------------------

    def data(self, row: Mapping[str, str]) -> dict[str, Any]:
        keys = {"email", IDENTITY_CODE, "identity_code_country", "business_id"}
        keys.add("organization_country")
        out: dict[str, Any] = {k: v for k, v in row.items() if k not in keys}
        if not out.get("source"):
            out["source"] = self.default_source
        if not out.get("source_date"):
            out["source_date"] = self.default_source_date
        for name, choices in _CHOICES.items():
            text = str(out.get(name) or "").strip()
            if text:
                words = self.words.setdefault(name, _choice_words(choices))
                out[name] = words.get(text.casefold(), text)
        for name in _DATES:
            if out.get(name):
                out[name] = _date_text(str(out[name]).strip())
        if out.get("share_percent"):
            out["share_percent"] = str(out["share_percent"]).replace(",", ".").rstrip("% ")
        return out

    # --- one row ----------------------------------------------------------------------

    def row(self, number: int, row: Mapping[str, str]) -> None:
        person_id = self.person_id(row)
        org_id = self.organization_id(row) if self.kind != "pep" else None
        data = self.data(row)
        key, existing = self.duplicate_key(person_id, org_id, data)
        if key in self.seen:
            self.skip(
                number,
                "same_record",
                f"the same record as row {self.seen[key]}; skipped",
                other=self.seen[key],
            )
            return
        if existing is not None and self.kind != "owners":
            what = "right to represent" if self.kind == "representatives" else "PEP status"
            self.seen[key] = number
            self.skip(
                number,
                "known_record",
                f"this {what} is already in the register (record {existing}); skipped",
                record=existing,
            )
            return
        write: Callable[..., Any]
        args: dict[str, Any] = {"person_id": person_id}
        if self.kind == "owners":
            write, args["organization_id"] = services.beneficial_owner_record, org_id
        elif self.kind == "representatives":
            write, args["organization_id"] = services.representation_record, org_id
        else:
            write = services.pep_record
        record = write(scope=self.scope, actor=self.actor, data=data, **args)
        # only a row that was written stands for its record (a refused one is an error)
        self.seen[key] = number
        self.report.record_ids.append(record.pk)
        if existing is not None:
            self.report.corrected += 1
            self.report.notes.append(
                Note(
                    number,
                    "corrected",
                    f"this beneficial owner is already in the register (record {existing});"
                    " corrected from this row",
                    record=existing,
                )
            )
        else:
            self.report.created += 1

    def duplicate_key(
        self, person_id: int, org_id: int | None, data: dict[str, Any]
    ) -> tuple[tuple[Any, ...], int | None]:
        """The record's identity (an earlier row with it is the same record) and the id of
        the register's record with it, if there is one."""
        if self.kind == "owners":
            existing = BeneficialOwner.objects.filter(
                organization_id=org_id, person_id=person_id
            ).values_list("pk", flat=True)
            return (org_id, person_id), existing.first()
        if self.kind == "representatives":
            key = (org_id, person_id, data.get("kind"), (data.get("evidence") or "").strip())
            existing = RepresentationRight.objects.filter(
                organization_id=org_id,
                person_id=person_id,
                kind=key[2],
                evidence=key[3],
            ).values_list("pk", flat=True)
            return key, existing.first()
        key = (
            person_id,
            data.get("relation"),
            (data.get("position") or "").strip().casefold(),
            (data.get("country") or "").strip().upper(),
        )
        existing = PepStatus.objects.filter(
            person_id=person_id,
            relation=key[1],
            position__iexact=(data.get("position") or "").strip(),
            country=key[3],
        ).values_list("pk", flat=True)
        return key, existing.first()

    def skip(self, number: int, kind: str, text: str, **params: Any) -> None:
        self.report.skipped += 1
        self.report.notes.append(Note(number, kind, text, **params))


class _RollBack(Exception):
    pass


def import_kyc(
    *,
    scope: Scope,
    actor: Any,
    controller: Controller,
    kind: str,
    rows: Rows,
    labels: Mapping[str, str] | None = None,
    source: str = "",
    source_date: str = "",
    source_file: str = "",
    dry_run: bool = False,
) -> KycImportReport:
    """Import one file of KYC records of `kind` (owners, representatives, pep) into the
    group company's register, through the KYC services: all or nothing.

    `source` / `source_date`: the provenance of rows that do not give their own."""
    if kind not in KYC_COLUMNS:
        raise ValueError(f"unknown KYC import kind {kind!r}: use {', '.join(KINDS)}")
    labels = labels if labels is not None else getattr(rows, "labels", {})
    report = KycImportReport(kind=kind, source=SourceRef(name=source_file), dry_run=dry_run)
    if "email" not in labels and IDENTITY_CODE not in labels:
        report.errors.append(
            RowError(1, "", "the file has no column for the person: email or identity_code")
        )
    given = {"source": source, "source_date": source_date}
    for name, option in (("source", "--source"), ("source_date", "--source-date")):
        if name not in labels and not given[name]:
            report.errors.append(
                RowError(1, "", f"the file has no column for {name}: add one or give {option}")
            )
    if report.errors:
        return report
    # Refused as a whole (PermissionError) when the scope may not do customer due diligence.
    purpose = work_purpose(scope, Cap.SCREEN_CUSTOMERS, [services.kyc_category()])
    audit_actor = actor_of(actor)
    importer = _Importer(
        scope=scope,
        actor=audit_actor,
        controller=controller,
        kind=kind,
        labels=labels,
        default_source=source,
        default_source_date=source_date,
        report=report,
        identity_country=identity_country_of(catalogue_snapshot(), controller.code),
    )
    try:
        with transaction.atomic():
            for number, row in rows:
                report.rows += 1
                if BROKEN in row:
                    report.errors.append(RowError(number, "", row[BROKEN]))
                    break
                if "__unnamed__" in row:
                    report.errors.append(
                        RowError(number, row["__unnamed__"], "a value in a column without a header")
                    )
                    continue
                _one_row(importer, number, row)
            if report.errors or dry_run:
                raise _RollBack
            audit_record(
                actor=audit_actor,
                action=AuditAction.IMPORT,
                categories=[services.kyc_category()],
                purpose=purpose,
                reason=f"KYC import ({kind}) from {source_file or 'a file'}",
                detail={
                    "kind": kind,
                    "rows": report.rows,
                    "created": report.created,
                    "corrected": report.corrected,
                    "skipped": report.skipped,
                },
            )
    except _RollBack:
        pass
    return report


def _one_row(importer: _Importer, number: int, row: Mapping[str, str]) -> None:
    """One row in a savepoint of its own: a refused row leaves nothing behind while the
    following rows are still checked (the whole file is rolled back at the end)."""
    try:
        with transaction.atomic():
            importer.row(number, row)
    except _RowFailed as exc:
        importer.report.errors.append(RowError(number, exc.column, exc.reason))
    except services.KycError as exc:
        column = importer.column(exc.field)
        if exc.field == "person":
            column = importer.column("email" if "email" in importer.labels else IDENTITY_CODE)
        elif exc.field == "organization":
            column = importer.column("business_id")
        importer.report.errors.append(RowError(number, column, exc.message))
    except ProcessingRefused as exc:
        column = importer.column("email" if "email" in importer.labels else IDENTITY_CODE)
        importer.report.errors.append(RowError(number, column, str(exc.reason)))
