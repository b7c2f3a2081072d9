"""The second process of the API benchmark: keep-alive GETs from several threads.

Run as `python -m rekisteri.bench.loadgen URL SECONDS THREADS [TOKEN] [IDS]`; prints JSON
with the number of requests, their latencies' p50/p95, the non-200 count and the count of
each status (or exception name).
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlparse


def main() -> None:
    url, seconds, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    token = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != "-" else ""
    ids = [int(i) for i in sys.argv[5].split(",")] if len(sys.argv) > 5 else [1]
    parsed = urlparse(url)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    statuses: dict[str, int] = {}
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        local: list[float] = []
        seen: dict[str, int] = {}
        bad = 0
        i = offset
        while time.perf_counter() < deadline:
            path = parsed.path.replace("{id}", str(ids[i % len(ids)]))
            i += threads
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                seen[str(response.status)] = seen.get(str(response.status), 0) + 1
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException) as exc:
                seen[type(exc).__name__] = seen.get(type(exc).__name__, 0) + 1
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
            local.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(local)
            errors[0] += bad
            for key, n in seen.items():
                statuses[key] = statuses.get(key, 0) + n

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    q = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [0] * 99
    )
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "seconds": elapsed,
                "errors": errors[0],
                "p50_ms": q[49],
                "p95_ms": q[94],
                "statuses": statuses,
                # every latency, so that the parent can merge runs
                "latencies": [round(x, 3) for x in latencies],
            }
        )
    )


if __name__ == "__main__":
    main()
