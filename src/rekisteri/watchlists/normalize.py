"""Name normalisation for matching: the same function for list entries and register subjects.

A name becomes a tuple of tokens in lower-case ASCII (rigour's transliteration: diacritics
dropped, Cyrillic, Arabic, Greek… written in Latin letters), with honorifics ("Mr", "Dr")
and, for organisations, legal forms ("Oy", "AB", "LLC", "OOO") removed, because a list and
a register write them differently. Each token also gets a phonetic code (rigour's
metaphone), the key the candidate index blocks on, so that "Mohammed" and "Muhammad", or
"Smith" and "Smyth", fall in the same block.

Both are cached per string: a register of a million Finnish persons has a few thousand
distinct first and last names, so re-screening transliterates and codes each only once.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rigour.names import remove_org_types, remove_person_prefixes, tokenize_name
from rigour.text.phonetics import metaphone
from rigour.text.scripts import is_latin

try:  # rigour >= 1.0 transliterates in its Rust core
    from rigour.text import ascii_text
except ImportError:  # pragma: no cover - older rigour: normality's ICU transliteration
    from normality import ascii_text

#: letters that NFKD does not decompose into a base letter and a mark
_LATIN_EXTRA = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "ı": "i", "þ": "th", "ð": "d"}
)


@lru_cache(maxsize=100_000)
def to_ascii(text: str) -> str:
    """Lower-case ASCII: Latin text by dropping its marks (fast), any other script by ICU."""
    text = text.lower()
    if text.isascii():
        return text
    if is_latin(text):
        decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_EXTRA))
        out = "".join(c for c in decomposed if not unicodedata.combining(c))
        if out.isascii():
            return out
    return (ascii_text(text) or "").lower()


@lru_cache(maxsize=200_000)
def code(token: str) -> str:
    """The phonetic blocking key of one token: the metaphone of its skeleton (below), so
    that transliteration variants share it; digits and initials stay as they are."""
    if len(token) == 1 or token.isdigit():
        return token
    out = metaphone(skeleton(token)) or token
    # metaphone keeps a leading vowel as written: Usama / Osama, Ebrahim / Ibrahim
    return "A" + out[1:] if out[0] in "AEIOU" else out


def initial(token: str) -> str:
    """A token's first letter as a blocking key (every vowel the same, as in `code`)."""
    return "~a" if token[0] in "aeiouy" else "~" + token[0]


@lru_cache(maxsize=200_000)
def name_tokens(name: str, organisation: bool = False) -> tuple[str, ...]:
    """The normalised tokens of one name of a person or an organisation."""
    text = name.strip()
    if not text:
        return ()
    text = remove_org_types(text) if organisation else remove_person_prefixes(text)
    tokens = []
    # token by token: a register or a list repeats its first and last names, so each is
    # transliterated once (to_ascii is cached) however many full names it appears in
    for raw in tokenize_name(text):
        for part in to_ascii(raw).split():
            token = "".join(c for c in part if c.isalnum())
            if token:
                tokens.append(token)
    if not tokens and organisation:  # the name was only a legal form ("Oy Ab")
        return name_tokens(name, False)
    return tuple(tokens)


def name_codes(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code(t) for t in tokens)


#: spellings that transliteration systems and languages write differently for one sound
#: (Cyrillic: "Shcherbakov" / "Ščerbakov", "Yuriy" / "Jurij"; Arabic: "Youssef" / "Yusuf")
_SKELETON = (
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "c"),
    ("kh", "h"),
    ("zh", "z"),
    ("ts", "c"),
    ("tz", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """The token with transliteration variants folded and doubled letters single, compared
    besides the token itself (both sides fold the same way)."""
    out = token
    for a, b in _SKELETON:
        if a in out:
            out = out.replace(a, b)
    folded = []
    for c in out:
        if not folded or folded[-1] != c:
            folded.append(c)
    return "".join(folded)


def entry_tokens(names: list[str], organisation: bool) -> tuple[list[list[str]], list[list[str]]]:
    """What the matcher stores per entry: each name's tokens and their blocking codes."""
    tokens = [list(name_tokens(n, organisation)) for n in names]
    return tokens, [[code(t) for t in toks] for toks in tokens]


@lru_cache(maxsize=200_000)
def consonants(token: str) -> str:
    """The skeleton without its vowels (a leading vowel kept as "a"): Arabic names written
    in Latin letters differ mostly in their vowels (Umar / Omar, Nasir / Nasser)."""
    sk = skeleton(token)
    head = "a" if sk[:1] in ("a", "e", "i", "o", "u") else sk[:1]
    return head + "".join(c for c in sk[1:] if c not in "aeiou")
