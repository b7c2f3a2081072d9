"""The import page's routes in the permission matrix (see rekisteri.testing.matrix)."""

from rekisteri.testing.matrix import Case

CASES = {
    "imports:upload": Case(),
    # Without a previewed file waiting, both lead back to the upload page.
    "imports:confirm": Case(method="POST"),
    "imports:cancel": Case(method="POST"),
}
