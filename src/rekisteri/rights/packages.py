"""Access (Art. 15) and portability (Art. 20) packages: ZIP files under settings.PACKAGES_DIR.

The access package explains every datum: its data category, the purposes that cover that
category with their legal bases, where it came from (Provenance), who receives it (the
purposes' recipients) and when it will be deleted (retention). It adds who looked at the
data (the audit trail), what was disclosed to whom, and the person's segments with reasons.

Redaction (Art. 15(4)): rows of other persons are never read (see personal_data_collect);
staff user names in the access log (rekisteri.audit.selectors.audit_access_log_for_package)
are replaced by "staff" — the person gets when, why and which categories, not which
colleague (CJEU C-579/21, Pankki S).

Exemptions by law (Art. 23): a category the catalogue declares exempt from the right of
access (`Snapshot.exempt_from_access`, e.g. anti-money-laundering investigation data) is left
out of the items, the access log and the disclosures, and every access package says in its
`withheld` section (report.html, data.json, README) what kind of data is withheld, why and
under which law. The section is in every package of a catalogue with such a category,
whether or not the person has data in it: saying "withheld" only to those who have some
would tell them they are being examined, which the law forbids (see docs/kyc.md).

Only for persons of the user's own group companies: `person_check` refuses any other, here,
whatever the caller checked (a package never holds another company's person).

The portability package holds only what the person gave us (Provenance source kind
`data_subject`) in a category processed on consent or contract; schema in docs/rights.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rekisteri.access.capabilities import Cap
from rekisteri.access.policy import Operation, ProcessingRefused
from rekisteri.access.selectors import Scope
from rekisteri.audit.models import AuditAction
from rekisteri.audit.selectors import audit_access_log_for_package
from rekisteri.audit.services import Actor, audit_record
from rekisteri.audit.work import work_purpose
from rekisteri.catalogue.models import LegalBasis, SourceKind
from rekisteri.catalogue.selectors import Snapshot, catalogue_snapshot
from rekisteri.common.spreadsheet import neutralise
from rekisteri.common.text import search_key
from rekisteri.disclosures.selectors import disclosures_for_person
from rekisteri.marketing.selectors import segments_for_person
from rekisteri.register.models import Person, Provenance, make_search_name
from rekisteri.retention.selectors import retention_ends
from rekisteri.rights.models import Package, PackageKind, RightsRequest
from rekisteri.rights.selectors import person_check, personal_data_collect

PACKAGE_LIFETIME = timedelta(days=30)
PORTABILITY_SCHEMA = "rekisteri-portability/1"
ACCESS_SCHEMA = "rekisteri-access/1"
PORTABLE_BASES = frozenset({LegalBasis.CONSENT, LegalBasis.CONTRACT})


def json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes):
        return None
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def _name(obj: Any, lang: str) -> str:
    names = getattr(obj, "name", None) or {}
    if isinstance(names, dict):
        return names.get(lang) or names.get("en") or next(iter(names.values()), "")
    return str(names)


def _provenance_index(person_ids: list[int]) -> dict[str, list[Provenance]]:
    index: dict[str, list[Provenance]] = defaultdict(list)
    for p in Provenance.objects.filter(person_id__in=person_ids).order_by("-collected_at", "-id"):
        index[p.record].append(p)
    return index


def _source_for(
    index: dict[str, list[Provenance]], item: dict[str, Any], snap: Snapshot, lang: str
):  # type: ignore[no-untyped-def]
    rows = index.get(item["record"], [])
    match = next((p for p in rows if item["field"] in (p.fields or [])), None) or (
        rows[0] if rows else None
    )
    if match is None:
        return None
    source_name = match.source_name
    known = next((s for s in snap.sources.values() if s.kind == match.source_kind), None)
    return {
        "kind": match.source_kind,
        "name": source_name or (_name(known, lang) if known else match.source_kind),
        "collected_at": match.collected_at.isoformat(),
        "purpose": match.purpose,
    }


class _Explainer:
    """Catalogue facts per category, and retention ends per (category, person), cached."""

    def __init__(self, snap: Snapshot, lang: str) -> None:
        self.snap, self.lang = snap, lang
        self._retention: dict[tuple[str, int], Any] = {}

    def purposes(self, category: str) -> list[dict[str, Any]]:
        return [
            {"code": p.code, "name": _name(p, self.lang), "legal_basis": p.legal_basis}
            for p in self.snap.purposes_for_category(category)
        ]

    def recipients(self, category: str) -> list[dict[str, Any]]:
        codes: list[str] = []
        for p in self.snap.purposes_for_category(category):
            codes += [c for c in p.recipients if c not in codes]
        out = []
        for code in codes:
            r = self.snap.recipients.get(code)
            out.append(
                {
                    "code": code,
                    "name": _name(r, self.lang) if r else code,
                    "country": getattr(r, "country", ""),
                }
            )
        return out

    def category_name(self, category: str) -> str:
        c = self.snap.categories.get(category)
        return _name(c, self.lang) if c else category

    def retention_rule(self, category: str) -> str:
        rules = self.snap.retention.get(category, [])
        texts = []
        for rule in rules:
            desc = rule.description.get(self.lang) if isinstance(rule.description, dict) else ""
            period = ", ".join(
                f"{n} {unit}"
                for n, unit in (
                    (rule.period_years, "years"),
                    (rule.period_months, "months"),
                    (rule.period_days, "days"),
                )
                if n
            )
            texts.append(desc or f"{rule.get_anchor_display()} + {period or '0 days'}")
        return "; ".join(t for t in texts if t)

    def prefetch_retention_ends(self, categories: dict[int, set[str]]) -> None:
        """Every (category, person) end the package needs, one batch per person."""
        for person_id, cats in categories.items():
            ends = retention_ends(categories=sorted(cats), person_id=person_id)
            for category, end in ends.items():
                self._retention[(category, person_id)] = end.isoformat() if end else None

    def retention_end(self, category: str, person_id: int) -> str | None:
        key = (category, person_id)
        if key not in self._retention:
            self.prefetch_retention_ends({person_id: {category}})
        return self._retention[key]


def withheld_categories(snap: Snapshot, lang: str) -> list[dict[str, str]]:
    """The categories a law exempts from the right of access, in the person's words:
    [{category, category_name, description, law, reason}] (the same in every package)."""
    out = []
    for code, exemption in snap.access_exemptions.items():
        category = snap.categories[code]
        description = category.description or {}
        out.append(
            {
                "category": code,
                "category_name": _name(category, lang),
                "description": description.get(lang) or description.get("en", ""),
                "law": exemption.law.get(lang) or exemption.law["en"],
                "reason": exemption.reason.get(lang) or exemption.reason["en"],
            }
        )
    return out


def _without_exempt(entries: list[dict[str, Any]], exempt: set[str]) -> list[dict[str, Any]]:
    """Log and disclosure entries without the exempt categories; an entry that named only
    exempt categories is left out whole (its time and purpose would tell the same)."""
    if not exempt:
        return entries
    out = []
    for entry in entries:
        categories = list(entry.get("categories") or [])
        if not categories or not set(categories) & exempt:
            out.append(entry)
            continue
        keep = [i for i, c in enumerate(categories) if c not in exempt]
        if not keep:
            continue
        entry = {**entry, "categories": [categories[i] for i in keep]}
        if "category_names" in entry:
            entry["category_names"] = [entry["category_names"][i] for i in keep]
        out.append(entry)
    return out


def explained_items(*, person_ids: list[int], lang: str) -> list[dict[str, Any]]:
    """The person's data for the access package, each item explained; the data of a
    category exempt from the right of access is not among them."""
    snap = catalogue_snapshot()
    ex = _Explainer(snap, lang)
    prov = _provenance_index(person_ids)
    out = []
    exempt = set(snap.access_exemptions)
    collected = [
        i for i in personal_data_collect(person_ids=person_ids) if i["category"] not in exempt
    ]
    needed: dict[int, set[str]] = defaultdict(set)
    for item in collected:
        needed[item["person_id"]].add(item["category"])
    ex.prefetch_retention_ends(needed)
    for item in collected:
        category = item["category"]
        purposes = ex.purposes(category)
        out.append(
            {
                **item,
                "value": json_value(item["value"]),
                "category_name": ex.category_name(category),
                "purposes": purposes,
                "legal_bases": sorted({p["legal_basis"] for p in purposes}),
                "source": _source_for(prov, item, snap, lang),
                "recipients": ex.recipients(category),
                "retention_rule": ex.retention_rule(category),
                "retention_end": ex.retention_end(category, item["person_id"]),
            }
        )
    return out


def _report_html(document: dict[str, Any], items: list[dict[str, Any]], lang: str) -> str:
    """report.html for the person (rights.report): call under translation.override(lang)."""
    from rekisteri.rights.report import legal_basis_words, report_sections, texts, when
    from rekisteri.rights.selectors import supervisory_authorities

    snap = catalogue_snapshot()

    def names(codes: list[str]) -> list[str]:
        return [texts(snap.categories[c].name, lang, c) for c in codes if c in snap.categories]

    return render_to_string(
        "rights/package/report.html",
        {
            "doc": document,
            "generated_at": when(document["generated_at"], lang),
            **report_sections(items, snap, lang),
            "access_log": [{**e, "at": when(e["at"], lang)} for e in document["access_log"]],
            "disclosures": [
                {
                    "at": when(d["at"], lang),
                    "recipient": texts(d.get("recipient_name"), lang, _("Recipient")),
                    "categories": names(d.get("categories") or []),
                    "basis": legal_basis_words(d.get("basis") or ""),
                    "reason": d.get("reason") or "",
                }
                for d in document["disclosures"]
            ],
            "segments": [
                {
                    "segment": s["segment"],
                    "categories": names(s.get("categories") or []),
                    "computed_at": when(s.get("computed_at"), lang),
                }
                for s in document["segments"]
            ],
            "authorities": [
                {"name": texts(a["name"], lang), "url": a["url"]}
                for a in supervisory_authorities().values()
            ],
            "withheld": document.get("withheld") or [],
            "lang": lang,
        },
    )


def _json_document(document: dict[str, Any]) -> str:
    """The document as JSON, one top-level key and one list element per line.

    json.dumps(indent=...) runs the pure-Python encoder (a sixth of a package's time); each
    line here goes through the C encoder and the file stays readable line by line."""
    parts = []
    for key, value in document.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            inner = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(f"  {name}: [\n{inner}\n  ]")
        else:
            parts.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}"


def _write_zip(files: dict[str, str | bytes]) -> tuple[Path, str, int]:
    directory = Path(settings.PACKAGES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{secrets.token_hex(16)}.zip"
    # Level 1: the text still shrinks to a fraction, at a fraction of the default's time.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    data = path.read_bytes()
    return path, hashlib.sha256(data).hexdigest(), len(data)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: neutralise(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                )
                for k, v in row.items()
            }
        )
    return buf.getvalue()


def _controllers(person_ids: list[int]) -> list[dict[str, Any]]:
    seen = {}
    for p in Person.objects.filter(pk__in=person_ids).select_related("controller"):
        c = p.controller
        seen[c.pk] = {
            "name": c.name,
            "business_id": c.business_id,
            "country": c.country,
            "dpo_email": c.dpo_email,
            "dpo_address": c.dpo_address,
        }
    return list(seen.values())


def _package_row(
    *,
    actor: Actor,
    kind: str,
    person_ids: list[int],
    path: Path,
    sha: str,
    size: int,
    request: RightsRequest | None,
) -> Package:
    package = Package.objects.create(
        request=request,
        kind=kind,
        path=path.name,
        sha256=sha,
        size=size,
        expires_at=timezone.now() + PACKAGE_LIFETIME,
        created_by=actor.name,
    )
    package.persons.set(person_ids)
    return package


def _checked_ids(scope: Scope, person_ids: list[int]) -> list[int]:
    """The persons, each of the user's own group companies and exportable (refused else)."""
    ids = sorted({int(i) for i in person_ids})
    persons = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    for pid in ids:
        person = persons.get(pid)
        if person is None:
            raise ProcessingRefused(
                _("This person is not in the register of your group company."), code="controller"
            )
        person_check(scope, person, Operation.EXPORT)
    return ids


def access_package_create(
    *,
    scope: Scope,
    actor: Actor,
    person_ids: list[int],
    lang: str,
    request: RightsRequest | None = None,
) -> Package:
    ids = _checked_ids(scope, person_ids)
    purpose = work_purpose(scope, Cap.HANDLE_RIGHTS_REQUESTS)
    lang = lang if lang in ("fi", "sv", "en") else "en"
    with transaction.atomic():
        items = explained_items(person_ids=ids, lang=lang)
        # Art. 15(4): others named in free text are masked; the package says where.
        items, masked = _mask(items, ids, lang)
        access_log = []
        disclosures = []
        segments = []
        for pid in ids:
            access_log += [
                {**row, "person_id": pid}
                for row in audit_access_log_for_package(person_id=pid, lang=lang)
            ]
            disclosures += [
                {**{k: json_value(v) for k, v in d.items()}, "person_id": pid}
                for d in disclosures_for_person(person_id=pid)
            ]
            segments += [
                {**{k: json_value(v) for k, v in s.items()}, "person_id": pid}
                for s in segments_for_person(person_id=pid)
            ]
        from rekisteri.rights.selectors import objected_purposes

        snap = catalogue_snapshot()
        exempt = set(snap.access_exemptions)
        access_log = _without_exempt(access_log, exempt)
        disclosures = _without_exempt(disclosures, exempt)
        withheld = withheld_categories(snap, lang)
        objections = {pid: sorted(objected_purposes(person_id=pid)) for pid in ids}
        now = timezone.now()
        document = {
            "schema": ACCESS_SCHEMA,
            "generated_at": now.isoformat(),
            "language": lang,
            "controllers": _controllers(ids),
            "persons": ids,
            "items": items,
            "access_log": access_log,
            "disclosures": disclosures,
            "segments": segments,
            "objections_upheld": objections,
            "masked": masked,
            "withheld": withheld,
        }
        with translation.override(lang):
            html = _report_html(document, items, lang)
        files: dict[str, str | bytes] = {
            "report.html": html,
            "data.json": _json_document(document),
            "data.csv": _csv(
                [
                    {
                        **i,
                        "purposes": [p["code"] for p in i["purposes"]],
                        "recipients": [r["code"] for r in i["recipients"]],
                        "source": (i["source"] or {}).get("kind", ""),
                    }
                    for i in items
                ],
                [
                    "person_id",
                    "model",
                    "record",
                    "field",
                    "category",
                    "category_name",
                    "value",
                    "purposes",
                    "legal_bases",
                    "source",
                    "recipients",
                    "retention_end",
                ],
            ),
            "access_log.csv": _csv(
                access_log,
                [
                    "person_id",
                    "at",
                    "actor",
                    "action",
                    "action_label",
                    "purpose",
                    "purpose_names",
                    "categories",
                    "category_names",
                ],
            ),
            "disclosures.csv": _csv(
                disclosures,
                ["person_id", "at", "recipient", "categories", "basis", "reason"],
            ),
            "README.txt": _readme(lang, withheld),
        }
        package = _store_package(
            actor=actor,
            kind=PackageKind.ACCESS,
            ids=ids,
            files=files,
            items=items,
            request=request,
            reason="access package (Art. 15)",
            purpose=purpose,
        )
    return package


def access_package_build(*, scope: Scope, actor: Actor, person_ids: list[int], lang: str) -> Path:
    """The Art. 15 package for these persons as a ZIP file; returns its path."""
    return package_path(
        access_package_create(scope=scope, actor=actor, person_ids=person_ids, lang=lang)
    )


def portable_items(*, person_ids: list[int]) -> list[dict[str, Any]]:
    """Data the person provided, in a category processed on consent or contract."""
    ids = sorted({int(i) for i in person_ids})
    snap = catalogue_snapshot()
    # The provenance of the CURRENT value decides: the last row written for a field (in
    # write order, not by when its source collected it) says where its value came from (a
    # title the person gave and a public register later overwrote is not theirs to port).
    latest: dict[tuple[str, str], str] = {}
    for record, fields, kind in (
        Provenance.objects.filter(person_id__in=ids)
        .order_by("id")
        .values_list("record", "fields", "source_kind")
    ):
        for name in fields or []:
            latest[(record, name)] = kind
    provided: dict[str, set[str]] = defaultdict(set)
    for (record, name), kind in latest.items():
        if kind == SourceKind.DATA_SUBJECT:
            provided[record].add(name)
    out = []
    exempt = set(snap.access_exemptions)
    for item in personal_data_collect(person_ids=ids):
        if item["field"] not in provided.get(item["record"], ()):
            continue
        if item["category"] in exempt:  # withheld from access, so from portability too
            continue
        bases = {p.legal_basis for p in snap.purposes_for_category(item["category"])}
        if not bases & PORTABLE_BASES:
            continue
        out.append({**item, "value": json_value(item["value"])})
    return out


def portability_package_create(
    *, scope: Scope, actor: Actor, person_ids: list[int], request: RightsRequest | None = None
) -> Package:
    ids = _checked_ids(scope, person_ids)
    purpose = work_purpose(scope, Cap.HANDLE_RIGHTS_REQUESTS)
    with transaction.atomic():
        items = portable_items(person_ids=ids)
        records: dict[str, dict[str, Any]] = {}
        for i in items:
            rec = records.setdefault(
                i["record"],
                {"type": i["model"], "id": i["record"], "person_id": i["person_id"], "fields": {}},
            )
            rec["fields"][i["field"]] = {"value": i["value"], "category": i["category"]}
        document = {
            "schema": PORTABILITY_SCHEMA,
            "generated_at": timezone.now().isoformat(),
            "persons": ids,
            "records": list(records.values()),
        }
        files: dict[str, str | bytes] = {
            "portability.json": json.dumps(document, ensure_ascii=False, indent=2),
            "portability.csv": _csv(
                items, ["person_id", "model", "record", "field", "category", "value"]
            ),
        }
        package = _store_package(
            actor=actor,
            kind=PackageKind.PORTABILITY,
            ids=ids,
            files=files,
            items=items,
            request=request,
            reason="portability package (Art. 20)",
            purpose=purpose,
        )
    return package


def portability_package_build(*, scope: Scope, actor: Actor, person_ids: list[int]) -> Path:
    return package_path(portability_package_create(scope=scope, actor=actor, person_ids=person_ids))


def package_path(package: Package) -> Path:
    return Path(settings.PACKAGES_DIR) / package.path


def packages_delete(packages: Any) -> int:
    """Delete package rows now and their files once the transaction commits."""
    paths = [package_path(p) for p in packages]
    count = len(paths)
    Package.objects.filter(pk__in=[p.pk for p in packages]).delete()

    def remove() -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    transaction.on_commit(remove)
    return count


def packages_purge_expired(*, now: datetime | None = None) -> int:
    """Delete expired packages, and files that no package row names (an outer rollback)."""
    now = now or timezone.now()
    with transaction.atomic():
        count = packages_delete(list(Package.objects.filter(expires_at__lt=now)))
    directory = Path(settings.PACKAGES_DIR)
    if directory.is_dir():
        known = set(Package.objects.values_list("path", flat=True))
        cutoff = (now - timedelta(hours=1)).timestamp()
        for path in directory.glob("*.zip"):
            if path.name not in known and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                count += 1
    return count


def _readme(lang: str, withheld: list[dict[str, str]] | None = None) -> str:
    texts = {
        "fi": (
            "Tämä paketti sisältää kopion sinua koskevista henkilötiedoista (tietosuoja-asetus 15 art.).\n"
            "report.html – luettava raportti; data.json ja data.csv – kaikki tiedot koneluettavasti;\n"
            "access_log.csv – milloin ja mihin tarkoitukseen tietojasi on käsitelty;\n"
            "disclosures.csv – kenelle tietojasi on luovutettu.\n"
            "CSV-tiedostoissa solun alkuun on lisätty heittomerkki ('), jos solu alkaisi "
            "merkillä =, +, -, @ tai sarkaimella: taulukko-ohjelma ei silloin suorita sitä kaavana.\n"
        ),
        "sv": (
            "Paketet innehåller en kopia av dina personuppgifter (dataskyddsförordningen art. 15).\n"
            "report.html – läsbar rapport; data.json och data.csv – alla uppgifter maskinläsbart;\n"
            "access_log.csv – när och för vilket ändamål dina uppgifter behandlats;\n"
            "disclosures.csv – till vem dina uppgifter lämnats ut.\n"
            "I CSV-filerna har en apostrof (') lagts till först i en cell som skulle börja med "
            "=, +, -, @ eller tabb: då kör kalkylprogrammet den inte som en formel.\n"
        ),
        "en": (
            "This package holds a copy of your personal data (GDPR Art. 15).\n"
            "report.html – a readable report; data.json and data.csv – all data, machine-readable;\n"
            "access_log.csv – when and for which purpose your data was processed;\n"
            "disclosures.csv – to whom your data was disclosed.\n"
            "In the CSV files, a cell that would start with =, +, -, @ or a tab has an apostrophe "
            "(') added in front, so that a spreadsheet program does not run it as a formula.\n"
        ),
    }
    out = texts.get(lang, texts["en"])
    if withheld:
        head = {
            "fi": "Tästä kopiosta on lain nojalla jätetty pois seuraavat tiedot, jos niitä on:",
            "sv": "Följande uppgifter, om sådana finns, har med stöd av lag utelämnats ur kopian:",
            "en": "By law, the following data, if we hold any, is left out of this copy:",
        }
        out += "\n" + head.get(lang, head["en"]) + "\n"
        for w in withheld:
            out += f"- {w['category_name']}: {w['reason']} ({w['law']})\n"
    return out


def _store_package(
    *,
    actor: Actor,
    kind: str,
    ids: list[int],
    files: dict[str, str | bytes],
    items: list[dict[str, Any]],
    request: Any,
    reason: str,
    purpose: str,
) -> Any:
    """Write the ZIP, record it, and audit the export per person; no file left on failure."""
    path, sha, size = _write_zip(files)
    try:
        package = _package_row(
            actor=actor, kind=kind, person_ids=ids, path=path, sha=sha, size=size, request=request
        )
        for pid in ids:
            mine = [i for i in items if i["person_id"] == pid]
            audit_record(
                actor=actor,
                action=AuditAction.EXPORT,
                person_id=pid,
                record=f"rights.Package:{package.pk}",
                categories=sorted({i["category"] for i in mine}),
                purpose=purpose,
                reason=reason,
                detail={"items": len(mine)},
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return package


# --- Limits of access (Art. 15(4)): others named in free text ----------------------------
#
# Free text (ticket descriptions and handling notes, chat transcripts, communication bodies
# and meeting notes, call summaries) may name other people. Before a package is made, every
# name of another person of the register (their first and last name as stored, in either
# order) and of a staff user (full name, or username as a whole word) is replaced by a
# placeholder in the package's language. The DPO's request page shows, before the package
# is released, which fields of which records would be masked and how many names of each
# kind (`masking_preview`); the package itself lists the same in its `masked` section.
#
# Free text is, by the field map, a mapped TextField in a category the catalogue does not
# mark sensitive (an identity code is stored encrypted in a TextField: never free text).
# Other persons are found through the indexed search name (`Person.search_name`, "last
# first" without case or accents): each run of two to four words in the text is looked up,
# never the whole register loaded.

MASKS = {
    "person": {"fi": "[toinen henkilö]", "sv": "[en annan person]", "en": "[another person]"},
    "staff": {"fi": "[henkilökunnan jäsen]", "sv": "[en anställd]", "en": "[staff member]"},
}
_WORD = r"[^\W\d_](?:[\w'’-]*\w)?"
_MAX_NAME_WORDS = 4


def free_text_fields() -> list[tuple[type[Any], str, str]]:
    """(model, field, category) of every free-text field the field map holds."""
    from django.db import models as dj

    from rekisteri.common.personal import mapped_fields, personal_models

    snap = catalogue_snapshot()
    out = []
    for model in personal_models():
        for f in mapped_fields(model):
            category = snap.categories.get(f.category)
            if category is None or category.sensitive:
                continue
            if isinstance(model._meta.get_field(f.name), dj.TextField):
                out.append((model, f.name, f.category))
    return out


def _phrases(text: str) -> set[str]:
    """Every run of 2..4 words of the text, lower-cased, joined by one space."""
    import re

    # In the form of the search name (common.text.search_key: no case, no accents).
    words = [search_key(m.group(0)) for m in re.finditer(_WORD, text)]
    out: set[str] = set()
    for n in range(2, _MAX_NAME_WORDS + 1):
        for i in range(len(words) - n + 1):
            run = words[i : i + n]
            out.add(" ".join(run))  # written "Last First …"
            out.add(" ".join([run[-1], *run[:-1]]))  # written "First … Last"
    return out


class _Names:
    """The names to mask in one package's free text: other persons' and staff users'."""

    def __init__(self, texts: list[str], subject_ids: list[int]) -> None:
        from django.contrib.auth import get_user_model

        phrases: set[str] = set()
        for text in texts:
            phrases |= _phrases(text)
        # The subject's own name is theirs to see, also when a namesake is in the register.
        own = set(Person.objects.filter(pk__in=subject_ids).values_list("search_name", flat=True))
        persons: set[str] = set()
        candidates = sorted(phrases)
        for i in range(0, len(candidates), 500):
            for first, last in (
                Person.objects.filter(search_name__in=candidates[i : i + 500])
                .exclude(pk__in=subject_ids)
                .exclude(search_name__in=own)
                .exclude(first_name="")
                .values_list("first_name", "last_name")
            ):
                persons |= {f"{first} {last}", f"{last} {first}", f"{last}, {first}"}
        staff: set[str] = set()
        usernames: set[str] = set()
        for username, first, last in get_user_model().objects.values_list(
            "username", "first_name", "last_name"
        ):
            if first and last and make_search_name(first, last) not in own:
                staff |= {f"{first} {last}", f"{last} {first}", f"{last}, {first}"}
            if username:
                usernames.add(username)
        self.persons = persons
        self.staff = staff - persons
        #: matched as written (case-sensitive): a username such as "Sales" is also a word
        self.usernames = usernames
        self._kinds: dict[str, str] = {}
        self._pattern = self._compile()

    def _compile(self) -> Any:
        import re

        names = sorted(
            [(n, "person", False) for n in self.persons]
            + [(n, "staff", False) for n in self.staff]
            + [(n, "staff", True) for n in self.usernames],
            key=lambda x: -len(x[0]),
        )
        if not names:
            return None
        alternatives = []
        for i, (name, kind, exact) in enumerate(names):
            group = f"n{i}"
            self._kinds[group] = kind
            words = r"\s+".join(re.escape(w) for w in name.split())
            alternatives.append(f"(?P<{group}>(?-i:{words}))" if exact else f"(?P<{group}>{words})")
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)

    def mask(self, text: str, lang: str) -> tuple[str, dict[str, int]]:
        counts = {"person": 0, "staff": 0}
        if self._pattern is None or not text:
            return text, counts

        def replace(match: Any) -> str:
            kind = self._kinds[match.lastgroup]
            counts[kind] += 1
            return MASKS[kind][lang]

        return self._pattern.sub(replace, text), counts


def _mask(
    items: list[dict[str, Any]], person_ids: list[int], lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items with others' names masked in their free text, and what was masked: one
    entry per field of a record ({record, model, field, category, persons, staff})."""
    free = {(m._meta.label, name) for m, name, _c in free_text_fields()}
    texts = [
        i["value"]
        for i in items
        if (i["model"], i["field"]) in free and isinstance(i["value"], str)
    ]
    if not texts:
        return items, []
    names = _Names(texts, person_ids)
    out, masked = [], []
    for item in items:
        if (item["model"], item["field"]) in free and isinstance(item["value"], str):
            text, counts = names.mask(item["value"], lang)
            if any(counts.values()):
                item = {**item, "value": text}
                masked.append(
                    {
                        "record": item["record"],
                        "model": item["model"],
                        "field": item["field"],
                        "category": item["category"],
                        **counts,
                    }
                )
        out.append(item)
    return out, masked


def masking_preview(*, scope: Scope, person_ids: list[int], lang: str) -> dict[str, Any]:
    """What an access package of these persons would mask, for the DPO before release:
    {"fields": [{record, model, field, field_label, category_name, person, staff}],
    "person": total, "staff": total}. Only counts and places, never the text."""
    ids = _checked_ids(scope, person_ids)
    snap = catalogue_snapshot()
    items = []
    for model, name, category in free_text_fields():
        from rekisteri.common.personal import subject_filter

        for pk, subject, value in (
            model._default_manager.filter(**subject_filter(model, ids))
            .exclude(**{name: ""})
            .values_list("pk", model.subject_path or "pk", name)
        ):
            items.append(
                {
                    "model": model._meta.label,
                    "record": f"{model._meta.label}:{pk}",
                    "person_id": subject,
                    "field": name,
                    "category": category,
                    "value": value,
                }
            )
    _, masked = _mask(items, ids, lang)
    labels = {
        (m._meta.label, n): str(m._meta.get_field(n).verbose_name)
        for m, n, _c in free_text_fields()
    }
    for entry in masked:
        entry["field_label"] = labels[(entry["model"], entry["field"])]
        category = snap.categories.get(entry["category"])
        entry["category_name"] = _name(category, lang) if category else entry["category"]
    return {
        "fields": masked,
        "person": sum(e["person"] for e in masked),
        "staff": sum(e["staff"] for e in masked),
    }
