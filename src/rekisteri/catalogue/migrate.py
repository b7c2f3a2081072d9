"""`rekisteri catalogue migrate FILE`: a catalogue of the first format in the current one.

The first format gave roles flags (`dpo`, `admin`, `reveal_identity_codes`) and purposes no
capabilities. The conversion derives the capabilities from what those flags and the purposes
said, and edits the text in place so that comments and layout stay:

- every purpose with categories: keep_register, record_interactions, review_retention;
- `direct_marketing = true`: send_direct_marketing, manage_consents;
- `profiling = true`: build_segments;
- `shared_within_group = true`: share_within_group (what the flag allowed before);
- a role with `dpo = true`: the DPO's capabilities go to its purposes that only DPO roles
  hold, or to a new purpose `data_protection` when it has none;
- `reveal_identity_codes = true`: that capability on one of the role's purposes (the first
  that uses a sensitive category, else its first);
- `admin = true`: a new purpose `system_administration` (manage_staff, verify_audit_trail,
  view_retention_status) that the role is given.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from rekisteri.access.capabilities import CAPABILITIES, Cap
from rekisteri.catalogue.parsing import LineIndex
from rekisteri.catalogue.schema import LEGACY_ROLE_KEYS

REGISTER_WORK = (Cap.KEEP_REGISTER, Cap.RECORD_INTERACTIONS, Cap.REVIEW_RETENTION)
DIRECT_MARKETING = (Cap.SEND_DIRECT_MARKETING, Cap.MANAGE_CONSENTS)
DPO_WORK = (
    Cap.HANDLE_RIGHTS_REQUESTS,
    Cap.MANAGE_CONSENTS,
    Cap.KEEP_BREACH_REGISTER,
    Cap.MANAGE_LEGAL_HOLDS,
    Cap.LOG_DISCLOSURES,
    Cap.READ_AUDIT_TRAIL,
    Cap.VERIFY_AUDIT_TRAIL,
    Cap.PUBLISH_NOTICE,
    Cap.VIEW_RETENTION_STATUS,
)
ADMIN_WORK = (Cap.MANAGE_STAFF, Cap.VERIFY_AUDIT_TRAIL, Cap.VIEW_RETENTION_STATUS)

NEW_PURPOSES: dict[str, dict[str, Any]] = {
    "data_protection": {
        "name": {
            "fi": "Rekisteröityjen oikeuksien toteuttaminen ja tietosuojan valvonta",
            "sv": "Hantering av de registrerades rättigheter och tillsyn över dataskyddet",
            "en": "Handling data protection rights and overseeing data protection",
        },
        "legal_basis": "legal_obligation",
        "description": {
            "fi": "Tietosuoja-asetus 12–22, 30 ja 33–34 artikla.",
            "sv": "Dataskyddsförordningen artikel 12–22, 30 och 33–34.",
            "en": "GDPR Articles 12–22, 30 and 33–34.",
        },
    },
    "system_administration": {
        "name": {
            "fi": "Käyttäjien ja järjestelmän ylläpito",
            "sv": "Administration av användare och systemet",
            "en": "Administering users and the system",
        },
        "legal_basis": "legitimate_interest",
        "legitimate_interest": {
            "fi": "Järjestelmän turvallinen ylläpito.",
            "sv": "Att förvalta systemet säkert.",
            "en": "Running the system securely.",
        },
    },
}


class MigrateError(ValueError):
    pass


def _ordered(caps: set[str]) -> list[str]:
    return [c for c in CAPABILITIES if c in caps]


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _value_end(lines: list[str], start: int) -> int:
    """The last line (0-based) of the value whose key is on line `start` (0-based)."""
    depth = 0
    for i in range(start, len(lines)):
        code = LineIndex._code(lines[i])
        if i == start:
            code = code.split("=", 1)[1] if "=" in code else code
        depth += code.count("[") + code.count("{") - code.count("]") - code.count("}")
        if depth <= 0:
            return i
    return len(lines) - 1


def _entry_end(lines: list[str], start: int) -> int:
    """The last line (0-based) of the entry whose header is on line `start`, before the
    blank lines and comments that lead to the next table."""
    end = len(lines) - 1
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            end = i - 1
            break
    while end > start and (not lines[end].strip() or lines[end].lstrip().startswith("#")):
        end -= 1
    return end


def needs_migration(raw: dict[str, Any]) -> bool:
    """Role flags, or purposes of which none names capabilities (a purpose of the current
    format may have none: it gives its roles access to no page)."""
    purposes = raw.get("purposes", [])
    return any(k in r for r in raw.get("roles", []) for k in LEGACY_ROLE_KEYS) or (
        bool(purposes) and not any("capabilities" in p for p in purposes)
    )


def migrate_text(text: str) -> tuple[str, list[str]]:
    """The catalogue in the current format, and what was derived (one line each)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MigrateError(str(exc)) from exc
    if not needs_migration(raw):
        return text, ["the catalogue is already in the current format"]
    purposes: list[dict[str, Any]] = raw.get("purposes", [])
    roles: list[dict[str, Any]] = raw.get("roles", [])
    sensitive = {c.get("code") for c in raw.get("categories", []) if c.get("sensitive")}
    notes: list[str] = []
    caps: dict[str, set[str]] = {p["code"]: set(p.get("capabilities", [])) for p in purposes}
    for p in purposes:
        derived = set()
        if p.get("categories"):
            derived |= set(REGISTER_WORK)
        if p.get("direct_marketing"):
            derived |= set(DIRECT_MARKETING)
        if p.get("profiling"):
            derived.add(Cap.PROFILE_SEGMENTS)
        if p.get("shared_within_group"):
            derived.add(Cap.SHARE_WITHIN_GROUP)
        caps[p["code"]] |= derived
    role_purposes = {r["code"]: list(r.get("purposes", [])) for r in roles}
    new_purposes: dict[str, set[str]] = {}

    def add_purpose(role: str, code: str, work: tuple[str, ...]) -> None:
        new_purposes.setdefault(code, set()).update(work)
        if code not in role_purposes[role]:
            role_purposes[role].append(code)

    dpo_roles = {r["code"] for r in roles if r.get("dpo")}
    for role in (r for r in roles if r.get("dpo")):
        only_dpo = [
            p
            for p in role_purposes[role["code"]]
            if p in caps and all(r in dpo_roles for r, ps in role_purposes.items() if p in ps)
        ]
        if only_dpo:
            for p in only_dpo:
                caps[p] |= set(DPO_WORK)
            notes.append(
                f"role {role['code']!r} (dpo): the DPO's capabilities go to " + ", ".join(only_dpo)
            )
        else:
            add_purpose(role["code"], "data_protection", DPO_WORK)
            notes.append(f"role {role['code']!r} (dpo): new purpose 'data_protection'")
    for role in (r for r in roles if r.get("reveal_identity_codes")):
        held = role_purposes[role["code"]]
        if any(Cap.REVEAL_IDENTITY_CODES in caps.get(p, new_purposes.get(p, set())) for p in held):
            continue
        candidates = [p for p in held if p in caps]
        if not candidates:
            add_purpose(role["code"], "data_protection", (Cap.REVEAL_IDENTITY_CODES,))
            continue
        by_code = {p["code"]: p for p in purposes}
        chosen = next(
            (p for p in candidates if sensitive & set(by_code[p].get("categories", []))),
            candidates[0],
        )
        caps[chosen].add(Cap.REVEAL_IDENTITY_CODES)
        notes.append(f"role {role['code']!r} (reveal_identity_codes): on purpose {chosen!r}")
    for role in (r for r in roles if r.get("admin")):
        add_purpose(role["code"], "system_administration", ADMIN_WORK)
        notes.append(f"role {role['code']!r} (admin): new purpose 'system_administration'")
    taken = set(caps)
    for code in new_purposes:
        if code in taken:
            raise MigrateError(
                f"the catalogue already has a purpose {code!r} that the conversion needs to add"
            )
    covered = set().union(*caps.values(), *new_purposes.values())
    left = [c for c in CAPABILITIES if c not in covered]
    if left:
        notes.append(
            "no flag of the first format implies these capabilities; add them to the purposes "
            "that should have them, or those features stay off: " + ", ".join(left)
        )
    return _rewrite(text, purposes, roles, caps, role_purposes, new_purposes), notes


def _rewrite(
    text: str,
    purposes: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    caps: dict[str, set[str]],
    role_purposes: dict[str, list[str]],
    new_purposes: dict[str, set[str]],
) -> str:
    lines = text.splitlines()
    index = LineIndex(text)
    # (first line, last line) → replacement lines; applied from the bottom up
    edits: list[tuple[int, int, list[str]]] = []
    purpose_entries = index.entries.get("purposes", [])
    for (header, keys), p in zip(purpose_entries, purposes, strict=True):
        line = f"capabilities = {_toml(_ordered(caps[p['code']]))}"
        if "capabilities" in keys:
            at = keys["capabilities"] - 1
            edits.append((at, _value_end(lines, at), [line]))
        elif "categories" in keys:
            after = _value_end(lines, keys["categories"] - 1)
            edits.append((after + 1, after, [line]))
        else:
            end = _entry_end(lines, header - 1)
            edits.append((end + 1, end, [line]))
    for (header, keys), r in zip(index.entries.get("roles", []), roles, strict=True):
        for key in LEGACY_ROLE_KEYS:
            if key in keys:
                at = keys[key] - 1
                edits.append((at, _value_end(lines, at), []))
        wanted = role_purposes[r["code"]]
        if wanted != list(r.get("purposes", [])):
            line = f"purposes = {_toml(wanted)}"
            if "purposes" in keys:
                at = keys["purposes"] - 1
                edits.append((at, _value_end(lines, at), [line]))
            else:
                end = _entry_end(lines, header - 1)
                edits.append((end + 1, end, [line]))
    if new_purposes:
        block: list[str] = []
        for code, work in new_purposes.items():
            spec = NEW_PURPOSES[code]
            block += ["", "[[purposes]]", f"code = {_toml(code)}"]
            block += [f"{k} = {_toml(v)}" for k, v in spec.items()]
            block += ["categories = []", f"capabilities = {_toml(_ordered(work))}"]
        if purpose_entries:
            end = _entry_end(lines, purpose_entries[-1][0] - 1)
            edits.append((end + 1, end, block))
        else:
            edits.append((len(lines), len(lines) - 1, block))
    for first, last, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first : last + 1] = replacement
    return "\n".join(lines) + "\n"
