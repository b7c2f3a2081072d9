"""Floors: the same work done the plainest way, to measure our code against."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse


def person_row(request: HttpRequest, person_id: int) -> JsonResponse:
    """A bare Django view returning the same person row as the API, with no auth or audit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, first_name, last_name, title, language FROM register_person WHERE id = %s", [person_id]
        )
        row = cursor.fetchone()
    return JsonResponse(dict(zip(("id", "first_name", "last_name", "title", "language"), row, strict=True)))
