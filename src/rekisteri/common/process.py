"""The process behind a lease: who holds a piece of work, and whether it is certainly gone.

A worker names itself by host, process id, the process's start time (so that a reused pid
is not mistaken for it) and a random run id. A holder that ran on this host and whose
process is gone is dead at once; one on another host, or whose process cannot be examined,
only when its heartbeat is older than its lease. Campaign sending (marketing.recovery) and
the job queue (jobs.queue) take their leases in this name.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _host() -> str:
    return socket.gethostname()[:30].replace("|", "_")


_PROC = Path("/proc/self/stat").exists()


def _process_started(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc); "" where the platform
    does not say; None if there is no such live process (a zombie is not alive)."""
    if _PROC:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = stat[stat.rfind(")") + 2 :].split()
        return None if fields[0] in ("Z", "X") else fields[19]
    if os.name != "posix":
        return ""  # cannot tell: the lease's age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return ""


def worker_identity(run: str) -> str:
    """host|pid|start time|run: fits `Campaign.worker` and `claimed_by` (64 characters)."""
    pid = os.getpid()
    return f"{_host()}|{pid}|{_process_started(pid) or ''}|{run}"


def worker_is_dead(identity: str) -> bool:
    """True when the worker is certainly gone: it ran on this host, and its process no longer
    exists or the pid now belongs to a process started later."""
    parts = identity.split("|")
    if len(parts) != 4 or parts[0] != _host() or not parts[1].isdigit():
        return False
    started = _process_started(int(parts[1]))
    return started is None or bool(parts[2] and started and started != parts[2])
