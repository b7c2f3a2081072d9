"""Pagination without COUNT(*): a page fetches one row more than it shows to know whether
another page follows. Counting a million-person register on every list page would cost more
than the page itself, and nobody pages to the end of it; they search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(request: HttpRequest, param: str = "page") -> int:
    try:
        return max(1, int(request.GET.get(param, "1")))
    except ValueError:
        return 1


def paginate(items: Any, request: HttpRequest, per_page: int = PER_PAGE) -> Page:
    """One page of a queryset (or list), numbered from 1 by the `page` query parameter."""
    number = page_number(request)
    start = (number - 1) * per_page
    rows = list(items[start : start + per_page + 1])
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)
