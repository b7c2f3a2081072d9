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
from rekisteri.common.spreadsheet import neutralise
from rekisteri.notice import texts
from rekisteri.notice.render import _bases, controller_address, country_text, retention_text

#: (key, English heading) in the record's order; `headers(lang)` gives them in a language
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


def headers(lang: str = "en") -> list[str]:
    return [texts.ROPA_COLUMNS[key][lang] for key, _ in COLUMNS]


def _t(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or ""
    return str(value or "")


def _category_cell(category: dict[str, Any], lang: str) -> str:
    """A category's name, and the law that exempts it from the right of access if one does."""
    name = _t(category["name"], lang)
    exemption = category.get("access_exemption")
    if not exemption:
        return name
    short = texts.T.get(lang, texts.T["en"])["access_exempt_short"]
    return f"{name} ({short.format(law=_t(exemption['law'], lang))})"


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
            ", ".join(
                x
                for x in (
                    c["name"] + (f" ({c['business_id']})" if c["business_id"] else ""),
                    controller_address(c),
                    c["email"],
                )
                if x
            )
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
                "legal_basis": "; ".join(
                    texts.LEGAL_BASIS[e["basis"]][lang]
                    + (f" ({_t(e['applies_to'], lang)})" if e.get("applies_to") else "")
                    for e in _bases(p)
                ),
                "legitimate_interest": "; ".join(
                    _t(e["interest"], lang)
                    + (f" ({e['balancing_test']})" if e.get("balancing_test") else "")
                    for e in _bases(p)
                    if e["basis"] == "legitimate_interest"
                ),
                "data_subjects": "; ".join(subject_names),
                "data_categories": "; ".join(
                    _category_cell(cats[c], lang) for c in p["categories"] if c in cats
                ),
                "sources": "; ".join(
                    _t(sources[s]["name"], lang) for s in p["sources"] if s in sources
                ),
                "recipients": "; ".join(
                    f"{_t(r['name'], lang)} ({texts.RECIPIENT_KIND[r['kind']][lang]}, "
                    + ", ".join(
                        texts.FUNCTION[f][lang] for f in r.get("functions") or [r["function"]]
                    )
                    + f", {country_text(r['country'], lang)})"
                    for r in recs
                ),
                "transfers": "; ".join(
                    f"{_t(r['name'], lang)} ({country_text(r['country'], lang)})" for r in outside
                ),
                "safeguards": "; ".join(_t(r["safeguard"], lang) for r in outside),
                "erasure": "\n".join(erasure),
                # catalogue-free: the purpose flag
                "automated_decisions": texts.YES_NO[bool(p["profiling"])][lang],
                "security": "\n".join(_t(m, lang) for m in content["security"]),
            }
        )
    return rows


def ropa_csv(rows: list[dict[str, str]], lang: str = "en") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers(lang))
    for row in rows:
        writer.writerow([neutralise(row[key]) for key, _ in COLUMNS])
    # BOM: spreadsheet programs then read the file as UTF-8.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def ropa_xlsx(
    rows: list[dict[str, str]], *, lang: str = "en", title: str = "Art. 30 record"
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers(lang))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([neutralise(row[key]) for key, _ in COLUMNS])
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


def ropa_json(rows: list[dict[str, str]], *, meta: dict[str, Any], lang: str = "en") -> bytes:
    columns = dict(zip((key for key, _ in COLUMNS), headers(lang), strict=True))
    return json.dumps(
        {**meta, "columns": columns, "rows": rows}, ensure_ascii=False, indent=2
    ).encode("utf-8")
