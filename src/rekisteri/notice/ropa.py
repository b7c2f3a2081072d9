"""The record of processing activities (GDPR Art. 30(1)): one row per purpose.

Written from the same notice content as the privacy notice (notice.content), so the record
the DPO shows the authority and the notice people read cannot disagree. Exports as CSV,
XLSX (openpyxl) or JSON.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rekisteri.catalogue.schema import EEA
from rekisteri.notice import texts
from rekisteri.notice.render import retention_text

COLUMNS: list[tuple[str, str]] = [
    ("purpose_code", "Purpose code"),
    ("purpose", "Purpose of the processing"),
    ("controller", "Controller (name and contact details)"),
    ("joint_controllers", "Joint controllers / shared within the group"),
    ("protection_officer", "Data protection officer"),
    ("legal_basis", "Legal basis"),
    ("legitimate_interest", "Legitimate interest pursued"),
    ("data_subjects", "Categories of data subjects"),
    ("data_categories", "Categories of personal data"),
    ("sources", "Sources of the data"),
    ("recipients", "Categories of recipients"),
    ("transfers", "Transfers to third countries"),
    ("safeguards", "Safeguards of the transfers"),
    ("erasure", "Time limits for erasure"),
    ("automated_decisions", "Profiling / automated decisions"),
    ("security", "Technical and organisational security measures"),
]


def _t(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or ""
    return str(value or "")


def ropa_rows(content: dict[str, Any], lang: str = "en") -> list[dict[str, str]]:
    controllers = {c["code"]: c for c in content["controllers"]}
    cats = {c["code"]: c for c in content["categories"]}
    recipients = {r["code"]: r for r in content["recipients"]}
    sources = {s["code"]: s for s in content["sources"]}
    all_subjects: list[str] = []
    for c in content["categories"]:
        for s in c["subjects"]:
            if s not in all_subjects:
                all_subjects.append(s)

    def subject_label(s: Any) -> str:
        return _t(s, lang) if isinstance(s, dict) else texts.SUBJECTS.get(s, {}).get(lang, s)

    rows = []
    for p in content["purposes"]:
        own = [controllers[c] for c in p["controllers"] if c in controllers]
        controller = "; ".join(
            f"{c['name']} ({c['business_id']}), {c['street']}, {c['postal_code']} {c['city']}, "
            f"{c['email']}"
            for c in own
        )
        if p["joint_controllers"]:
            joint = "; ".join(p["joint_controllers"])
        elif p["shared_within_group"] and len(controllers) > 1:
            joint = "; ".join(c["name"] for c in controllers.values())
        else:
            joint = ""
        dpo = "; ".join(
            f"{c['name']}: {c['dpo_name']} <{c['dpo_email']}>" for c in own if c["dpo_email"]
        )
        subjects = p["subjects"] or [
            s for c in p["categories"] if c in cats for s in cats[c]["subjects"]
        ]
        subject_names = []
        for s in subjects or all_subjects:
            label = subject_label(s)
            if label not in subject_names:
                subject_names.append(label)
        recs = [recipients[r] for r in p["recipients"] if r in recipients]
        outside = [r for r in recs if r["country"] not in EEA]
        erasure = []
        for code in p["categories"]:
            for rule in content["retention"]:
                if rule["category"] == code:
                    text = f"{_t(cats[code]['name'], lang)}: {retention_text(rule, lang)}"
                    if rule["legal_reference"]:
                        text += f" ({rule['legal_reference']})"
                    erasure.append(text)
        rows.append(
            {
                "purpose_code": p["code"],
                "purpose": _t(p["name"], lang)
                + (f": {_t(p['description'], lang)}" if p["description"] else ""),
                "controller": controller,
                "joint_controllers": joint,
                "protection_officer": dpo,
                "legal_basis": texts.LEGAL_BASIS[p["legal_basis"]][lang],
                "legitimate_interest": _t(p["legitimate_interest"], lang),
                "data_subjects": "; ".join(subject_names),
                "data_categories": "; ".join(
                    _t(cats[c]["name"], lang) for c in p["categories"] if c in cats
                ),
                "sources": "; ".join(
                    _t(sources[s]["name"], lang) for s in p["sources"] if s in sources
                ),
                "recipients": "; ".join(
                    f"{_t(r['name'], lang)} ({texts.RECIPIENT_KIND[r['kind']][lang]}, "
                    f"{texts.FUNCTION[r['function']][lang]}, {r['country']})"
                    for r in recs
                ),
                "transfers": "; ".join(f"{_t(r['name'], lang)} ({r['country']})" for r in outside),
                "safeguards": "; ".join(_t(r["safeguard"], lang) for r in outside),
                "erasure": "\n".join(erasure),
                "automated_decisions": "yes" if p["profiling"] else "no",
                "security": "\n".join(_t(m, lang) for m in content["security"]),
            }
        )
    return rows


def ropa_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([label for _, label in COLUMNS])
    for row in rows:
        writer.writerow([row[key] for key, _ in COLUMNS])
    # BOM: spreadsheet programs then read the file as UTF-8.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def ropa_xlsx(rows: list[dict[str, str]], *, title: str = "Art. 30 record") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([label for _, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[key] for key, _ in COLUMNS])
    for i, (key, _) in enumerate(COLUMNS, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = 18 if key == "purpose_code" else 45
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ropa_json(rows: list[dict[str, str]], *, meta: dict[str, Any]) -> bytes:
    return json.dumps(
        {**meta, "columns": dict(COLUMNS), "rows": rows}, ensure_ascii=False, indent=2
    ).encode("utf-8")
