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


#: a list counts its rows up to this many and then says "more than"
COUNT_CAP = 1000


@dataclass(frozen=True)
class Count:
    n: int
    more: bool


def capped_count(qs: Any, cap: int = COUNT_CAP) -> Count:
    """The number of rows, counted no further than `cap` (a subquery with LIMIT: cheap on a
    million rows, where COUNT(*) of the whole list is not)."""
    n = qs[: cap + 1].count()
    return Count(min(n, cap), n > cap)


def configure(request: HttpRequest, table: Any, per_page: int = PER_PAGE) -> None:
    """Sort and paginate a django-tables2 table from the query string, without COUNT(*)."""
    from django_tables2 import LazyPaginator, RequestConfig

    RequestConfig(
        request, paginate={"per_page": per_page, "paginator_class": LazyPaginator}
    ).configure(table)
