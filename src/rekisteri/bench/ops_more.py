"""Benchmark operations of the rights, retention, marketing and import capabilities.

Each reports "not built" until the service it times exists.
"""

from __future__ import annotations

from rekisteri.bench.measure import Result
from rekisteri.bench.runner import not_built
from rekisteri.bench.worker import Context, operation


@operation("import", ">= 50,000 rows/s, <= 1.5x floor")
def op_import(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "the person import service")


@operation("access_package_collect", "p50 <= 5 ms")
def op_access_collect(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "rights.selectors.personal_data_collect")


@operation("access_package_write", "p50 <= 50 ms")
def op_access_write(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "rights.services.access_package_build")


@operation("erasure", "p50 <= 50 ms per person")
def op_erasure(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "rights.services.erasure_execute")


@operation("retention_sweep", ">= 100,000 rows/s, <= 1.5x floor")
def op_retention(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "the retention sweep over interactions")


@operation("campaign_audience", "<= 2 s for 1,000,000 persons, <= 1.5x floor")
def op_audience(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "the campaign audience")


@operation("campaign_send", ">= 500 messages/s, <= 2x floor")
def op_send(ctx: Context, result: Result) -> Result:
    return not_built(result.name, result.target, "campaign sending")
