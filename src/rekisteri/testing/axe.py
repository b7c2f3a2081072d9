"""axe-core (through axe-playwright-python) on a page open in Playwright.

    problems = serious_violations(page, "fi /staff/")
    assert not problems, "\\n".join(problems)

Each problem names the page, the rule, its impact and the elements (CSS selectors) that break
it, so that a failure says where to look. Only "serious" and "critical" count: "moderate" and
"minor" are advice.
"""

from __future__ import annotations

from typing import Any

BLOCKING = ("serious", "critical")


def serious_violations(page: Any, where: str) -> list[str]:
    """The serious and critical axe-core violations on `page`, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        problems.append(
            f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} "
            f"at {'; '.join(targets)}"
        )
    return problems
