"""What the privacy notice says, as data: built from one catalogue text, compared between two.

`notice_content(text)` turns a catalogue into a plain dict holding exactly what the notice
(and the Art. 30 record) prints, nothing else: roles, for one, are left out, so changing a
staff role makes no new notice version. The dict is what a NoticeVersion's digest is taken
of, and `content_diff` names each difference between two of them for the change log.

`notice_problems(text)` lists what a catalogue lacks for a complete notice beyond what the
catalogue schema already enforces: a text the notice prints without all three languages, a
controller country without a supervisory authority, a data subject kind without wording.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rekisteri.catalogue.schema import EEA, LANGS, CatalogueError, parse_catalogue
from rekisteri.notice import texts

CONTROLLER_KEYS = (
    "code",
    "name",
    "business_id",
    "country",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "dpo_name",
    "dpo_email",
    "dpo_address",
)


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items() if k in LANGS}
    if isinstance(value, str) and value:
        return {lang: value for lang in LANGS}
    return {}


def notice_content(text: str) -> dict[str, Any]:
    """The notice's content of a catalogue (raises CatalogueError for an invalid one)."""
    data = parse_catalogue(text)
    raw, s = data.raw, data.sections
    controllers = [
        {k: str(c.get(k, "FI" if k == "country" else "")) for k in CONTROLLER_KEYS}
        for c in s["controllers"]
    ]
    all_controllers = [c["code"] for c in controllers]
    categories = [
        {
            "code": c["code"],
            "name": _texts(c.get("name")),
            "description": _texts(c.get("description")),
            "sensitive": bool(c.get("sensitive", False)),
            "subjects": list(c.get("subjects", [])),
        }
        for c in s["categories"]
    ]
    purposes = [
        {
            "code": p["code"],
            "name": _texts(p.get("name")),
            "description": _texts(p.get("description")),
            "legal_basis": p.get("legal_basis", ""),
            "legitimate_interest": _texts(p.get("legitimate_interest")),
            "categories": list(p.get("categories", [])),
            "sources": list(p.get("sources", [])),
            "recipients": list(p.get("recipients", [])),
            "controllers": list(p.get("controllers") or all_controllers),
            "joint_controllers": list(p.get("joint_controllers", [])),
            "subjects": list(p.get("subjects", [])),
            "profiling": bool(p.get("profiling", False)),
            "direct_marketing": bool(p.get("direct_marketing", False)),
            "objection": p.get("objection", ""),
            "shared_within_group": bool(p.get("shared_within_group", False)),
            "required": _texts(p.get("required")),
        }
        for p in s["purposes"]
    ]
    sources = [
        {
            "code": x["code"],
            "kind": x.get("kind", ""),
            "name": _texts(x.get("name")),
            "description": _texts(x.get("description")),
        }
        for x in s["sources"]
    ]
    recipients = [
        {
            "code": r["code"],
            "kind": r.get("kind", ""),
            "function": r.get("function", ""),
            "country": r.get("country", ""),
            "name": _texts(r.get("name")),
            "description": _texts(r.get("description")),
            "safeguard": _texts(r.get("safeguard")),
        }
        for r in s["recipients"]
    ]
    retention = []
    for r in s["retention"]:
        period = r.get("_period")
        retention.append(
            {
                "code": r["code"],
                "category": r.get("category", ""),
                "anchor": r.get("anchor", ""),
                "period": {
                    "years": getattr(period, "years", 0),
                    "months": getattr(period, "months", 0),
                    "days": getattr(period, "days", 0),
                },
                "action": r.get("action", "delete"),
                "legal_reference": str(r.get("legal_reference", "")),
            }
        )
    authorities = {
        country: {"name": _texts(a.get("name")), "url": str(a.get("url", ""))}
        for country, a in (raw.get("authorities") or {}).items()
        if isinstance(a, dict)
    }
    security = raw.get("security") or {}
    measures = security.get("measures", []) if isinstance(security, dict) else []
    return {
        "register": _texts((raw.get("register") or {}).get("name")),
        "controllers": controllers,
        "authorities": authorities,
        "categories": categories,
        "purposes": purposes,
        "sources": sources,
        "recipients": recipients,
        "retention": retention,
        "security": [_texts(m) for m in measures],
    }


def content_digest(content: dict[str, Any]) -> str:
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


# --- What a notice needs ----------------------------------------------------------------


def _missing_langs(value: dict[str, str]) -> list[str]:
    return [lang for lang in LANGS if not value.get(lang)]


def content_problems(content: dict[str, Any]) -> list[str]:
    problems: list[str] = []

    def need(where: str, value: dict[str, str], *, optional: bool = False) -> None:
        if optional and not value:
            return
        missing = _missing_langs(value)
        if missing:
            problems.append(
                f"{where}: the notice prints this text but it has no {', '.join(missing)}"
            )

    need("register.name", content["register"])
    countries = {c["country"] for c in content["controllers"]}
    for country in sorted(countries):
        authority = content["authorities"].get(country)
        if authority is None:
            problems.append(
                f"authorities.{country}: no supervisory authority for controllers in {country}; "
                "the notice must name where to complain"
            )
        else:
            need(f"authorities.{country}.name", authority["name"])
    for c in content["controllers"]:
        if not c["dpo_email"] and not c["email"]:
            problems.append(f"controllers.{c['code']}: no contact email for the notice")
    known_subjects = {s for s in texts.SUBJECTS}
    for c in content["categories"]:
        need(f"categories.{c['code']}.name", c["name"])
        need(f"categories.{c['code']}.description", c["description"], optional=True)
        for subject in c["subjects"]:
            if isinstance(subject, dict):
                need(f"categories.{c['code']}.subjects", _texts(subject))
            elif subject not in known_subjects:
                problems.append(
                    f"categories.{c['code']}.subjects: {subject!r} has no wording in fi, sv and "
                    f"en; use one of {', '.join(sorted(known_subjects))} or a {{fi, sv, en}} table"
                )
    recipient_codes = {r["code"] for r in content["recipients"]}
    for p in content["purposes"]:
        where = f"purposes.{p['code']}"
        if not p["legal_basis"]:
            problems.append(
                f"{where}.legal_basis: a purpose without legal basis cannot be in the notice"
            )
        elif p["legal_basis"] not in texts.LEGAL_BASIS:
            problems.append(f"{where}.legal_basis: {p['legal_basis']!r} has no wording")
        need(f"{where}.name", p["name"])
        need(f"{where}.description", p["description"], optional=True)
        need(f"{where}.required", p["required"], optional=True)
        if p["legal_basis"] == "legitimate_interest":
            need(f"{where}.legitimate_interest", p["legitimate_interest"])
        for code in p["recipients"]:
            if code not in recipient_codes:
                problems.append(f"{where}.recipients: {code!r} is not a recipient")
    for x in content["sources"]:
        need(f"sources.{x['code']}.name", x["name"])
        need(f"sources.{x['code']}.description", x["description"], optional=True)
    for r in content["recipients"]:
        where = f"recipients.{r['code']}"
        need(f"{where}.name", r["name"])
        need(f"{where}.description", r["description"], optional=True)
        if not r["country"]:
            problems.append(f"{where}.country: a recipient without country cannot be in the notice")
        elif r["country"] not in EEA:
            need(f"{where}.safeguard", r["safeguard"])
        if r["function"] not in texts.FUNCTION:
            problems.append(f"{where}.function: {r['function']!r} has no wording")
        if r["kind"] not in texts.RECIPIENT_KIND:
            problems.append(f"{where}.kind: {r['kind']!r} has no wording")
    for r in content["retention"]:
        if r["anchor"] not in texts.ANCHOR:
            problems.append(f"retention.{r['code']}.anchor: {r['anchor']!r} has no wording")
    for i, m in enumerate(content["security"]):
        need(f"security.measures[{i}]", m)
    return problems


def notice_problems(text: str) -> list[str]:
    """Everything a catalogue lacks for a complete privacy notice (empty: nothing)."""
    try:
        content = notice_content(text)
    except CatalogueError as exc:
        return [str(i) for i in exc.issues]
    return content_problems(content)


# --- What changed -------------------------------------------------------------------------


def _period_text(period: dict[str, int], lang: str) -> str:
    parts = []
    for unit in ("years", "months", "days"):
        n = period.get(unit, 0)
        if n:
            one, many = texts.UNITS[lang][unit]
            parts.append(f"{n} {one if n == 1 else many}")
    if not parts:
        one, many = texts.UNITS[lang]["days"]
        return f"0 {many}"
    return f" {texts.T[lang]['and']} ".join(parts)


def _show(value: Any, field: str, lang: str) -> str:
    if field == "period" and isinstance(value, dict):
        return _period_text(value, lang)
    if isinstance(value, dict):
        if set(value) <= set(LANGS):
            return value.get(lang) or value.get("en") or ""
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or texts.T[lang]["none"]
    if value is None or value == "":
        return texts.T[lang]["none"]
    return str(value)


def change_text(change: dict[str, Any], lang: str) -> str:
    """One change-log line, e.g. 'retention chat-3-months: 3 months → 4 months'."""
    section = texts.SECTION.get(change["section"], {}).get(lang, change["section"])
    head = f"{section} {change['code']}".strip()
    kind = change["kind"]
    if kind in ("added", "removed"):
        return f"{head}: {texts.CHANGE[kind][lang]}"
    field = change.get("field", "")
    if field in ("added", "removed"):  # list members, e.g. categories added to a purpose
        return (
            f"{head}: {change['list']} {texts.CHANGE[field][lang]} {_show(change['new'], '', lang)}"
        )
    old = _show(change.get("old"), field, lang)
    new = _show(change.get("new"), field, lang)
    label = "" if field in ("period", "") else f"{field} "
    return f"{head}: {label}{old} → {new}"


def _keyed(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in items}


def content_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every difference between two notice contents, as change records."""
    changes: list[dict[str, Any]] = []
    if old.get("register") != new.get("register"):
        changes.append(
            {
                "section": "register",
                "code": "",
                "kind": "changed",
                "field": "name",
                "old": old.get("register"),
                "new": new.get("register"),
            }
        )
    for section in ("controllers", "categories", "purposes", "sources", "recipients", "retention"):
        a, b = _keyed(old.get(section, [])), _keyed(new.get(section, []))
        for code in sorted(set(a) - set(b)):
            changes.append({"section": section, "code": code, "kind": "removed"})
        for code in sorted(set(b) - set(a)):
            changes.append({"section": section, "code": code, "kind": "added"})
        for code in sorted(set(a) & set(b)):
            for field in b[code]:
                if field == "code" or a[code].get(field) == b[code][field]:
                    continue
                before, after = a[code].get(field), b[code][field]
                if isinstance(before, list) and isinstance(after, list):
                    gone = [x for x in before if x not in after]
                    came = [x for x in after if x not in before]
                    for kind, items in (("removed", gone), ("added", came)):
                        if items:
                            changes.append(
                                {
                                    "section": section,
                                    "code": code,
                                    "kind": "changed",
                                    "field": kind,
                                    "list": field,
                                    "new": items,
                                }
                            )
                    continue
                changes.append(
                    {
                        "section": section,
                        "code": code,
                        "kind": "changed",
                        "field": field,
                        "old": before,
                        "new": after,
                    }
                )
    a, b = old.get("authorities", {}), new.get("authorities", {})
    for country in sorted(set(a) | set(b)):
        if a.get(country) != b.get(country):
            kind = "added" if country not in a else "removed" if country not in b else "changed"
            change: dict[str, Any] = {"section": "authorities", "code": country, "kind": kind}
            if kind == "changed":
                change.update(field="name", old=a[country]["name"], new=b[country]["name"])
            changes.append(change)
    if old.get("security") != new.get("security"):
        changes.append(
            {
                "section": "security",
                "code": "",
                "kind": "changed",
                "field": "measures",
                "old": len(old.get("security", [])),
                "new": len(new.get("security", [])),
            }
        )
    return changes


def changed_purposes(
    changes: list[dict[str, Any]], old: dict[str, Any], new: dict[str, Any]
) -> list[str]:
    """Purposes a change touches: changed themselves, or through a category, retention rule,
    recipient or source they use. People whose consent rests on one are told of the change."""
    touched: set[str] = set()
    categories: set[str] = set()
    recipients: set[str] = set()
    sources: set[str] = set()
    rules = {r["code"]: r["category"] for r in old.get("retention", []) + new.get("retention", [])}
    for c in changes:
        if c["section"] == "purposes":
            touched.add(c["code"])
        elif c["section"] == "categories":
            categories.add(c["code"])
        elif c["section"] == "retention":
            categories.add(rules.get(c["code"], ""))
        elif c["section"] == "recipients":
            recipients.add(c["code"])
        elif c["section"] == "sources":
            sources.add(c["code"])
    for p in new.get("purposes", []) + old.get("purposes", []):
        if (
            categories & set(p["categories"])
            or recipients & set(p["recipients"])
            or sources & set(p["sources"])
        ):
            touched.add(p["code"])
    return sorted(touched)
