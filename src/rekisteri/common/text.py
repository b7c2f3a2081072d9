"""Search keys: names compared without case or accents ("valily" finds "Välilyönti")."""

from __future__ import annotations

import unicodedata

# Letters that are not a base letter plus a combining mark, written as a Nordic reader
# types them without the key.
_PLAIN = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"}
)


def search_key(text: str) -> str:
    """The text case-folded, without accents, whitespace collapsed: the form stored in the
    search columns and the form a query is compared in (so the B-tree index is used)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.translate(_PLAIN).split())
