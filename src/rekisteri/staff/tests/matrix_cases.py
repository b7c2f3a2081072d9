"""The staff shell's routes, Django's language switch and the API's own pages in the matrix."""

from rekisteri.testing.matrix import Case

CASES = {
    "staff:home": Case(),
    "staff:login": Case(),
    "staff:logout": Case(method="POST"),
    "set_language": Case(method="POST", data=lambda w, o: {"language": "fi"}),
    "api:openapi-json": Case(),
    "api:openapi-view": Case(),
    "api:api-root": Case(),
    "api:api_index": Case(),
}
