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

from rekisteri.catalogue.schema import (
    EEA,
    LANGS,
    Catalogue,
    CatalogueError,
    RetentionRule,
    parse_catalogue,
)
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


def notice_content(source: str | Catalogue) -> dict[str, Any]:
    """The notice's content of a catalogue, given as its text or typed (raises
    CatalogueError for an invalid text).

    Only what the notice may say is here: purposes on no register data (`in_notice` false)
    are left out, and the categories are those the catalogue declares.
    """
    cat = parse_catalogue(source) if isinstance(source, str) else source
    controllers = [{k: str(getattr(c, k)) for k in CONTROLLER_KEYS} for c in cat.controllers]
    all_controllers = [c.code for c in cat.controllers]
    categories = [
        {
            "code": c.code,
            "name": dict(c.name),
            "description": dict(c.description),
            "sensitive": c.sensitive,
            "subjects": list(c.subjects),
            "access_exemption": (
                {"law": dict(c.access_exemption.law), "reason": dict(c.access_exemption.reason)}
                if c.access_exemption
                else None
            ),
        }
        for c in cat.categories
    ]
    purposes = [
        {
            "code": p.code,
            "name": dict(p.name),
            "description": dict(p.description),
            "legal_basis": p.legal_basis,
            "legitimate_interest": dict(p.legitimate_interest),
            "legal_bases": [
                {
                    "basis": e.basis,
                    "applies_to": dict(e.applies_to),
                    "interest": dict(e.interest),
                    "balancing_test": e.balancing_test,
                }
                for e in p.legal_bases
            ],
            "categories": list(p.categories),
            "sources": list(p.sources),
            "recipients": list(p.recipients),
            "controllers": list(p.controllers or all_controllers),
            "joint_controllers": list(p.joint_controllers),
            "subjects": list(p.subjects),
            "profiling": p.profiling,  # catalogue-free: the catalogue's purpose flag
            "direct_marketing": p.direct_marketing,  # catalogue-free: the catalogue's purpose flag
            "objection": p.objection,
            "shared_within_group": p.shared_within_group,
            "required": dict(p.required),
        }
        for p in cat.purposes
        if p.in_notice
    ]
    sources = [
        {
            "code": x.code,
            "kind": x.kind,
            "name": dict(x.name),
            "description": dict(x.description),
        }
        for x in cat.sources
    ]
    recipients = [
        {
            "code": r.code,
            "kind": r.kind,
            "function": r.function,
            "functions": list(r.functions),
            "country": r.country,
            "name": dict(r.name),
            "description": dict(r.description),
            "safeguard": dict(r.safeguard),
        }
        for r in cat.recipients
    ]
    authorities = {
        country: {"name": dict(a.name), "url": a.url} for country, a in cat.authorities.items()
    }
    return {
        "register": dict(cat.register_policy.name),
        "controllers": controllers,
        "authorities": authorities,
        "categories": categories,
        "purposes": purposes,
        "sources": sources,
        "recipients": recipients,
        "retention": [_retention(r) for r in cat.retention],
        "security": [dict(m) for m in cat.security.measures],
        "notice": {
            "effective_date": (
                cat.notice.effective_date.isoformat() if cat.notice.effective_date else ""
            ),
            "sections": [
                {"key": s.key, "title": dict(s.title), "body": dict(s.body)}
                for s in cat.notice.sections
            ],
            "transfers": dict(cat.notice.transfers),
        },
    }


def _retention(r: RetentionRule) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": r.code,
        "category": r.category,
        "anchor": r.anchor.combine or r.anchor.anchors[0],
        "period": {"years": r.period.years, "months": r.period.months, "days": r.period.days},
        "action": r.action,
        "legal_reference": r.legal_reference,
    }
    if r.anchor.combine or r.while_any:
        item.update(anchors=list(r.anchor.anchors), while_any=list(r.while_any))
    if r.description:
        item["description"] = dict(r.description)
    return item


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
                need(f"categories.{c['code']}.subjects", subject)
            elif subject not in known_subjects:
                problems.append(
                    f"categories.{c['code']}.subjects: {subject!r} has no wording in fi, sv and "
                    f"en; use one of {', '.join(sorted(known_subjects))} or a {{fi, sv, en}} table"
                )
    recipient_codes = {r["code"] for r in content["recipients"]}
    for p in content["purposes"]:
        where = f"purposes.{p['code']}"
        bases = p.get("legal_bases") or [
            {"basis": p["legal_basis"], "interest": p["legitimate_interest"]}
        ]
        if not p["legal_basis"]:
            problems.append(
                f"{where}.legal_basis: a purpose without legal basis cannot be in the notice"
            )
        for i, e in enumerate(bases):
            if e["basis"] and e["basis"] not in texts.LEGAL_BASIS:
                problems.append(f"{where}.legal_bases[{i}]: {e['basis']!r} has no wording")
            if e["basis"] == "legitimate_interest":
                need(f"{where}.legal_bases[{i}].interest", e["interest"])
        need(f"{where}.name", p["name"])
        need(f"{where}.description", p["description"], optional=True)
        need(f"{where}.required", p["required"], optional=True)
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
        for function in r.get("functions") or [r["function"]]:
            if function not in texts.FUNCTION:
                problems.append(f"{where}.functions: {function!r} has no wording")
        if r["kind"] not in texts.RECIPIENT_KIND:
            problems.append(f"{where}.kind: {r['kind']!r} has no wording")
    for r in content["retention"]:
        if "anchors" in r:
            # Combined anchors and while-conditions: the notice prints the rule's own words.
            need(f"retention.{r['code']}.description", r.get("description", {}))
        elif r.get("description"):
            need(f"retention.{r['code']}.description", r["description"])
        elif r["anchor"] not in texts.ANCHOR:
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
        if "basis" in value:  # one legal basis of a purpose
            label = texts.LEGAL_BASIS.get(value["basis"], {}).get(lang, value["basis"])
            applies = _show(value.get("applies_to") or {}, "", lang)
            return f"{label} ({applies})" if applies else label
        if set(value) <= set(LANGS):
            return value.get(lang) or value.get("en") or ""
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list):
        return ", ".join(_show(v, "", lang) for v in value) or texts.T[lang]["none"]
    if value is None or value == "":
        return texts.T[lang]["none"]
    return str(value)


def change_text(change: dict[str, Any], lang: str) -> str:
    """One change-log line, e.g. 'retention chat-3-months: 3 months → 4 months'."""
    section = texts.SECTION.get(change["section"], {}).get(lang, change["section"])
    kind = change["kind"]
    if change["section"] == "notice":
        # the notice's own settings: a custom section (by its title) or its date/transfers
        if "title" in change:
            return f"{section}: {_show(change['title'], '', lang)}: {texts.CHANGE[kind][lang]}"
        label = texts.NOTICE_FIELD.get(change["field"], {}).get(lang, change["field"])
        old = _show(change.get("old"), "", lang)
        new = _show(change.get("new"), "", lang)
        return f"{section}: {label} {old} → {new}"
    head = f"{section} {change['code']}".strip()
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
                if field not in a[code]:
                    continue  # a newer notice format's field, not a change of processing
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
    a, b = old.get("notice") or {}, new.get("notice") or {}
    for field in ("effective_date", "transfers"):
        if a.get(field) != b.get(field):
            changes.append(
                {
                    "section": "notice",
                    "code": "",
                    "kind": "changed",
                    "field": field,
                    "old": a.get(field),
                    "new": b.get(field),
                }
            )
    a_sections = {s["key"]: s for s in a.get("sections", [])}
    b_sections = {s["key"]: s for s in b.get("sections", [])}
    for key in sorted(set(a_sections) | set(b_sections)):
        if a_sections.get(key) == b_sections.get(key):
            continue
        title = (b_sections.get(key) or a_sections[key])["title"]
        kind = "added" if key not in a_sections else "removed" if key not in b_sections else ""
        changes.append(
            {"section": "notice", "code": key, "title": title, "kind": kind or "changed"}
            | ({} if kind else {"field": "", "old": "", "new": ""})
        )
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
