"""Writing the privacy notice from its content: one document model, HTML or Markdown out.

`notice_document` walks the notice content (notice.content) and the fixed wording
(notice.texts) and produces a list of blocks in the order Art. 13 and 14 list their items;
`to_html` and `to_markdown` only format them. Every value from the catalogue is escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape

from rekisteri.catalogue.conditions import WHILE_CONDITIONS
from rekisteri.catalogue.schema import EEA, UNKNOWN_COUNTRY
from rekisteri.notice import texts
from rekisteri.notice.content import _period_text, change_text


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Inline = str | Link


@dataclass
class Block:
    kind: str  # h1 h2 h3 p ul meta
    parts: list[Any] = field(default_factory=list)  # p/h: [Inline]; ul: [[Inline]]


def format_date(day: dt.date, lang: str) -> str:
    if lang == "fi":
        return f"{day.day}.{day.month}.{day.year}"
    if lang == "sv":
        return day.isoformat()
    return f"{day.day} {texts.MONTHS_EN[day.month - 1]} {day.year}"


def _t(value: dict[str, str], lang: str) -> str:
    return value.get(lang) or value.get("en") or ""


def retention_text(rule: dict[str, Any], lang: str) -> str:
    """A rule in words, without the final full stop: the period from its anchor (or, for
    combined anchors and while-conditions, the catalogue's own description), the rule's
    description when it has one, and the conditions that keep the data in any case."""
    description = _t(rule.get("description") or {}, lang).strip().rstrip(".")
    if rule.get("anchors"):  # combined anchors or while-conditions: the catalogue's words
        body = description
    else:
        body = _period_words(rule, lang)
        if description:
            body += f". {description}"
    conditions = [
        _t(WHILE_CONDITIONS[c].text, lang)
        for c in rule.get("while_any", [])
        if c in WHILE_CONDITIONS
    ]
    if conditions:
        joined = f" {texts.T[lang]['or']} ".join(conditions)
        body += ". " + texts.T[lang]["kept_while"].format(conditions=joined)
    return body


def _period_words(rule: dict[str, Any], lang: str) -> str:
    period = rule["period"]
    zero = not any(period.values())
    anchor = rule["anchor"]
    if anchor == "needed":
        body = texts.ANCHOR["needed"][lang]
    elif zero and anchor in texts.ANCHOR_ZERO:
        body = texts.ANCHOR_ZERO[anchor][lang]
    else:
        body = texts.ANCHOR[anchor][lang].format(period=_period_text(period, lang))
    if anchor != "needed":
        body += ", " + texts.ACTION.get(rule["action"], texts.ACTION["delete"])[lang]
    return body[0].upper() + body[1:]


def controller_address(c: dict[str, Any]) -> str:
    """Street, postal code and city as far as the controller gives them ("" if none)."""
    town = " ".join(x for x in (c["postal_code"], c["city"]) if x)
    return ", ".join(x for x in (c["street"], town) if x)


def country_text(country: str, lang: str) -> str:
    return texts.T[lang]["country_unknown"] if country == UNKNOWN_COUNTRY else country


def _bases(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Every legal basis of a purpose (versions published before several bases: its one)."""
    return p.get("legal_bases") or [
        {"basis": p["legal_basis"], "interest": p["legitimate_interest"]}
    ]


def _basis_codes(p: dict[str, Any]) -> set[str]:
    return {e["basis"] for e in _bases(p)}


def notice_date(content: dict[str, Any], published: dt.date) -> dt.date:
    """The notice's own date: the catalogue's effective_date, else the publishing date."""
    day = (content.get("notice") or {}).get("effective_date")
    return dt.date.fromisoformat(day) if day else published


def notice_document(
    content: dict[str, Any],
    lang: str,
    *,
    published: dt.date,
    number: int,
    changes: list[dict[str, Any]] | None = None,
    self_service_url: str = "/",
) -> list[Block]:
    T = texts.T[lang]
    cats = {c["code"]: c for c in content["categories"]}
    purposes = content["purposes"]
    doc: list[Block] = [
        Block("h1", [T["title"].format(register=_t(content["register"], lang))]),
        Block(
            "meta",
            [
                T["updated"].format(
                    date=format_date(notice_date(content, published), lang), number=number
                )
            ],
        ),
        Block("p", [T["intro"]]),
    ]

    # Art. 13(1)(a): controller and contact details
    doc.append(Block("h2", [T["h_controllers"]]))
    controllers = content["controllers"]
    doc.append(Block("p", [T["controllers_one" if len(controllers) == 1 else "controllers_many"]]))
    items = []
    for c in controllers:
        address = controller_address(c)
        line = c["name"]
        if c["business_id"]:  # a company that states no business ID gets no label either
            id_label = texts.BUSINESS_ID.get(c["country"], {}).get(lang, T["business_id"])
            line += f" ({id_label} {c['business_id']})"
        if address:
            line += f", {address}"
        if c["phone"]:
            line += f", {T['phone']} {c['phone']}"
        parts: list[Inline] = [line]
        if c["email"]:
            parts += [f", {T['email']} ", Link(c["email"], f"mailto:{c['email']}")]
        items.append(parts)
    doc.append(Block("ul", items))

    # Art. 13(1)(b): the data protection officer, where there is one; else the controller's
    # contact above is the way to ask
    with_dpo = [c for c in controllers if c["dpo_name"] or c["dpo_email"] or c["dpo_address"]]
    if not with_dpo:
        doc.append(Block("p", [T["dpo_none"]]))
    else:
        doc.append(Block("h2", [T["h_dpo"]]))
        doc.append(Block("p", [T["dpo_intro"]]))
    items = []
    for c in with_dpo:
        parts = [f"{c['name']}: {c['dpo_name']}".rstrip(": ")]
        if c["dpo_email"]:
            parts += [", ", Link(c["dpo_email"], f"mailto:{c['dpo_email']}")]
        if c["dpo_address"]:
            parts.append(f", {c['dpo_address']}")
        items.append(parts)
    if items:
        doc.append(Block("ul", items))

    # Whose data
    subjects: list[str] = []
    for c in content["categories"]:
        for s in c["subjects"]:
            label = _t(s, lang) if isinstance(s, dict) else texts.SUBJECTS.get(s, {}).get(lang, s)
            if label not in subjects:
                subjects.append(label)
    if subjects:
        doc.append(Block("h2", [T["h_subjects"]]))
        doc.append(Block("p", [T["subjects_intro"]]))
        doc.append(Block("ul", [[s] for s in subjects]))

    # Art. 13(1)(c)(d): purposes, legal basis, legitimate interests
    doc.append(Block("h2", [T["h_purposes"]]))
    doc.append(Block("p", [T["purposes_intro"]]))
    for p in purposes:
        doc.append(Block("h3", [_t(p["name"], lang)]))
        if p["description"]:
            doc.append(Block("p", [_t(p["description"], lang)]))
        facts: list[list[Inline]] = []
        for e in _bases(p):
            applies = f" ({_t(e['applies_to'], lang)})" if e.get("applies_to") else ""
            facts.append([f"{T['basis']}{applies}: {texts.LEGAL_BASIS[e['basis']][lang]}"])
            if e["basis"] == "legitimate_interest":
                facts.append([f"{T['interest']}: {_t(e['interest'], lang)}"])
                if e.get("balancing_test"):
                    facts.append([f"{T['balancing_test'].capitalize()}: {e['balancing_test']}"])
        used = [_t(cats[c]["name"], lang) for c in p["categories"] if c in cats]
        facts.append([f"{T['data_used']}: {', '.join(used)}"])
        if p["objection"] == "absolute":
            facts.append([T["objection_absolute"]])
        elif p["objection"] == "balancing":
            facts.append([T["objection_balancing"]])
        if p["shared_within_group"] and len(controllers) > 1:
            facts.append([T["shared_in_group"]])
        doc.append(Block("ul", facts))
    doc.append(Block("p", [T["stats_note"]]))

    # Art. 14(1)(d): categories of personal data
    doc.append(Block("h2", [T["h_categories"]]))
    items = []
    for c in content["categories"]:
        line = _t(c["name"], lang)
        if c["description"]:
            line += f": {_t(c['description'], lang)}"
        if c["sensitive"]:
            line += f" ({T['sensitive']})"
        items.append([line])
    doc.append(Block("ul", items))

    # Art. 14(2)(f): sources, including public ones
    doc.append(Block("h2", [T["h_sources"]]))
    doc.append(Block("p", [T["sources_intro"]]))
    items = []
    for kind, label in texts.SOURCE_KIND.items():
        of_kind = [x for x in content["sources"] if x["kind"] == kind]
        if not of_kind:
            continue
        names = []
        for x in of_kind:
            name = _t(x["name"], lang)
            if x["description"]:
                name += f" ({_t(x['description'], lang)})"
            names.append(name)
        items.append([f"{label[lang]}: {'; '.join(names)}"])
    doc.append(Block("ul", items))
    doc.append(Block("p", [T["combine_note"]]))

    # Art. 13(2)(e): whether giving data is required, and what follows if not
    doc.append(Block("h2", [T["h_required"]]))
    doc.append(Block("p", [T["required_intro"]]))
    items = []
    for p in purposes:
        required = _t(p["required"], lang) or texts.REQUIRED_DEFAULT[p["legal_basis"]][lang]
        items.append([f"{_t(p['name'], lang)}: {required}"])
    doc.append(Block("ul", items))

    # Art. 13(1)(e): recipients by kind and function
    doc.append(Block("h2", [T["h_recipients"]]))
    if content["recipients"]:
        doc.append(Block("p", [T["recipients_intro"]]))
        for kind, label in texts.RECIPIENT_KIND.items():
            of_kind = [r for r in content["recipients"] if r["kind"] == kind]
            if not of_kind:
                continue
            doc.append(Block("h3", [label[lang]]))
            items = []
            for r in of_kind:
                for_purposes = [
                    _t(p["name"], lang) for p in purposes if r["code"] in p["recipients"]
                ]
                functions = r.get("functions") or [r["function"]]
                label = T["function"] if len(functions) == 1 else T["functions"]
                line = (
                    f"{_t(r['name'], lang)} ({label}: "
                    f"{', '.join(texts.FUNCTION[f][lang] for f in functions)}, "
                    f"{T['country']}: {country_text(r['country'], lang)})"
                )
                if for_purposes:
                    line += f": {', '.join(for_purposes)}"
                if r.get("description"):
                    line += f". {_t(r['description'], lang).strip()}"
                items.append([line])
            doc.append(Block("ul", items))
    else:
        doc.append(Block("p", [T["no_recipients"]]))

    # Art. 13(1)(f): transfers outside the EU/EEA and their safeguards
    doc.append(Block("h2", [T["h_transfers"]]))
    # (a country "unknown" may be outside: it is listed with its safeguard)
    outside = [r for r in content["recipients"] if r["country"] not in EEA]
    statement = _t((content.get("notice") or {}).get("transfers") or {}, lang)
    if statement:  # the company's own words, instead of a flat "we do not transfer"
        doc.append(Block("p", [statement]))
    if outside:
        doc.append(Block("p", [T["transfers_intro"]]))
        doc.append(
            Block(
                "ul",
                [
                    [
                        f"{_t(r['name'], lang)} ({country_text(r['country'], lang)}): "
                        f"{T['safeguard']}: {_t(r['safeguard'], lang)}"
                    ]
                    for r in outside
                ],
            )
        )
    elif not statement:
        doc.append(Block("p", [T["no_transfers"]]))

    # Art. 13(2)(a): retention periods or their criteria
    doc.append(Block("h2", [T["h_retention"]]))
    doc.append(Block("p", [T["retention_intro"]]))
    items = []
    for c in content["categories"]:
        rules = [r for r in content["retention"] if r["category"] == c["code"]]
        for r in rules:
            line = f"{_t(c['name'], lang)}: {retention_text(r, lang)}"
            if r["legal_reference"]:
                line += f" ({T['legal_ref']}: {r['legal_reference']})"
            items.append([line + "."])
    doc.append(Block("ul", items))

    # Art. 13(2)(b)(c): rights, withdrawal of consent
    doc.append(Block("h2", [T["h_rights"]]))
    how = T["rights_how" if with_dpo else "rights_how_no_dpo"].split("{url}")
    doc.append(Block("p", [how[0], Link(self_service_url, self_service_url), how[1]]))

    def names(selected: list[dict[str, Any]]) -> str:
        return ", ".join(_t(p["name"], lang) for p in selected) or T["none"]

    items = [[T["right_access"]]]
    for c in content["categories"]:
        exemption = c.get("access_exemption")
        if exemption:  # Art. 23: a law takes this category out of the right of access
            items.append(
                [
                    T["right_access_exempt"].format(
                        category=_t(c["name"], lang),
                        reason=_t(exemption["reason"], lang),
                        law=_t(exemption["law"], lang),
                    )
                ]
            )
    items += [[T["right_rectification"]], [T["right_erasure"]]]
    items.append([T["right_restriction"]])
    balancing = [p for p in purposes if p["objection"] == "balancing"]
    if balancing:
        items.append([T["right_objection"].format(purposes=names(balancing))])
    absolute = [p for p in purposes if p["objection"] == "absolute"]
    if absolute:
        items.append([T["right_objection_dm"].format(purposes=names(absolute))])
    portable = [p for p in purposes if _basis_codes(p) & {"consent", "contract"}]
    if portable:
        items.append([T["right_portability"].format(purposes=names(portable))])
    if any("consent" in _basis_codes(p) for p in purposes):
        items.append([T["right_withdraw"]])
    items.append([T["right_automated"]])
    doc.append(Block("ul", items))

    # Art. 13(2)(d): the right to complain, authority per controller country
    doc.append(Block("h2", [T["h_complaint"]]))
    doc.append(Block("p", [T["complaint_intro"]]))
    items = []
    for c in controllers:
        authority = content["authorities"].get(c["country"])
        if authority is None:
            continue
        parts: list[Inline] = [
            T["complaint_for"].format(controller=c["name"], authority=_t(authority["name"], lang))
        ]
        if authority["url"]:
            parts += [", ", Link(authority["url"], authority["url"])]
        items.append(parts)
    doc.append(Block("ul", items))

    # Art. 13(2)(f): automated decisions and profiling
    doc.append(Block("h2", [T["h_profiling"]]))
    profiling = [p for p in purposes if p["profiling"]]  # catalogue-free: the purpose flag
    if profiling:
        doc.append(Block("p", [T["profiling_intro"]]))
        items = []
        for p in profiling:
            used = ", ".join(_t(cats[c]["name"], lang) for c in p["categories"] if c in cats)
            line = _t(p["name"], lang)
            if p["description"]:
                line += f": {_t(p['description'], lang)}"
            items.append([f"{line} ({T['data_used']}: {used})"])
        doc.append(Block("ul", items))
    else:
        doc.append(Block("p", [T["no_profiling"]]))

    # Security (Art. 32; the seeds tell people this, and the Art. 30 record needs it)
    if content["security"]:
        doc.append(Block("h2", [T["h_security"]]))
        doc.append(Block("ul", [[_t(m, lang)] for m in content["security"]]))

    # The company's own sections (cookies, how to make a request, limits of access, …)
    for section in (content.get("notice") or {}).get("sections", []):
        doc.append(Block("h2", [_t(section["title"], lang)]))
        for para in _t(section["body"], lang).split("\n\n"):
            if para.strip():
                doc.append(Block("p", [para.strip()]))

    doc.append(Block("h2", [T["h_changes"]]))
    doc.append(Block("p", [T["changes_intro"]]))
    if changes:
        doc.append(Block("p", [T["changes_in_version"]]))
        doc.append(Block("ul", [[change_text(c, lang)] for c in changes]))
    elif number == 1:
        doc.append(Block("p", [T["first_version"]]))
    return doc


def _inline_html(parts: list[Inline]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Link):
            out.append(f'<a href="{escape(part.href)}">{escape(part.text)}</a>')
        else:
            out.append(str(escape(part)))
    return "".join(out)


def to_html(doc: list[Block]) -> str:
    out = ['<article class="privacy-notice">']
    for b in doc:
        if b.kind == "ul":
            items = "".join(f"<li>{_inline_html(i)}</li>" for i in b.parts)
            out.append(f"<ul>{items}</ul>")
        elif b.kind == "meta":
            out.append(f'<p class="notice-updated"><strong>{_inline_html(b.parts)}</strong></p>')
        else:
            out.append(f"<{b.kind}>{_inline_html(b.parts)}</{b.kind}>")
    out.append("</article>")
    return "\n".join(out)


def _inline_md(parts: list[Inline]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Link):
            out.append(
                f"[{part.text}]({part.href})" if part.text != part.href else f"<{part.href}>"
            )
        else:
            out.append(str(part))
    return "".join(out)


def to_markdown(doc: list[Block]) -> str:
    out = []
    for b in doc:
        if b.kind == "ul":
            out.append("\n".join(f"- {_inline_md(i)}" for i in b.parts))
        elif b.kind in ("h1", "h2", "h3"):
            out.append("#" * int(b.kind[1]) + " " + _inline_md(b.parts))
        elif b.kind == "meta":
            out.append(f"*{_inline_md(b.parts)}*")
        else:
            out.append(_inline_md(b.parts))
    return "\n\n".join(out) + "\n"
