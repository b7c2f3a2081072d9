"""The API's request parser: every string a client sends — in a JSON body (keys too, at any
depth), a query string or a form field, and an uploaded file's name — is refused if it holds
NUL or a lone surrogate, with the field named (422), before any operation sees it.

Neither can be stored: PostgreSQL refuses NUL in text outright and a lone surrogate cannot be
written as UTF-8, so such a value used to end in an HTML 500 (issue 14 item 8). The check is
here, once for every operation, rather than in each schema. Other control characters are each
field's own rule (register/inputs.py refuses them in names and addresses; a note may hold a
line break).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
MESSAGE = "must not contain NUL or other characters that cannot be stored"


class UnstorableText(ValueError):
    """A string of the request holds NUL or a lone surrogate; `loc` is where."""

    def __init__(self, loc: tuple[str, ...]) -> None:
        super().__init__(".".join(loc))
        self.loc = loc


def _find(value: Any, loc: tuple[str, ...]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return loc if UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if UNSTORABLE.search(str(key)):
                return (*loc, "(a key)")
            found = _find(item, (*loc, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _find(item, (*loc, str(i)))
            if found is not None:
                return found
    return None


def refusal(loc: tuple[str, ...]) -> ValidationError:
    """The 422 of api/errors.py, naming the field as the schema's own errors do."""
    return ValidationError([{"loc": loc, "msg": MESSAGE, "type": "value_error"}])


class StorableParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        found = _find(data, ())
        if found is not None:
            # django-ninja turns any exception here into a 400; api/errors.py answers this
            # one, its cause, with the 422.
            raise UnstorableText(found or ("body",))
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> Any:
        source = "file" if data is request.FILES else "query" if data is request.GET else "form"
        for key in data:
            if UNSTORABLE.search(key):
                raise refusal((source, "(a key)"))
            for value in data.getlist(key):
                text = getattr(value, "name", None) if source == "file" else value
                if isinstance(text, str) and UNSTORABLE.search(text):
                    raise refusal((source, key))
        return super().parse_querydict(data, list_fields, request)
