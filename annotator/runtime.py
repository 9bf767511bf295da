"""Process-level tuning for serving (not for the CLI's one-shot commands)."""

from __future__ import annotations

import gc
import sys
from typing import Any

# How long a thread may keep the GIL while another waits for it (Python's default is 5 ms).
SWITCH_INTERVAL_SECONDS = 0.0001


def tune_gc() -> None:
    """Keep the garbage collector off the hot path.

    A large page builds tens of thousands of short-lived objects; with Python's default
    thresholds the collector then walks every module object loaded at start-up, again and
    again (it doubled the render time of a 1,000-sentence page). Objects that exist after
    start-up are frozen out of collection, and young collections run less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def tune_thread_switching() -> None:
    """Give the GIL back to a waiting thread within a tenth of a millisecond, not five.

    A save holds the database's write lock from its first statement to its commit, and the
    sqlite3 module lets go of the GIL around every statement it runs. Another thread (a request
    still being read and parsed, the "Seen before" encoder) takes the GIL then and, by Python's
    default, may keep it up to 5 ms before it has to hand it back: the writer waits, and so does
    every writer queued behind its lock. With eight writers the single process served 8 % more
    saves a second at 0.1 ms on a quiet machine, 16-22 % more with its cores busy with other work
    (alternating rounds, docs/save-profile.md).
    """
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def waitress_limits(config: dict[str, Any]) -> dict[str, Any]:
    """Waitress settings that refuse an oversized body before storing it.

    Waitress reads a whole request body (spilling to a temporary file) before the app sees it,
    so the app's own MAX_CONTENT_LENGTH would answer 413 only after up to 1 GiB had been written.
    The server's limit is set from the app's: a larger Content-Length is refused at once, and a
    chunked body is cut off at the limit.
    """
    limit = int(config.get("MAX_CONTENT_LENGTH") or 0)
    return {"max_request_body_size": limit} if limit > 0 else {}
