"""Process-level tuning for serving (not for the CLI's one-shot commands)."""

from __future__ import annotations

import gc
from typing import Any


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


def waitress_limits(config: dict[str, Any]) -> dict[str, Any]:
    """Waitress settings that refuse an oversized body before storing it.

    Waitress reads a whole request body (spilling to a temporary file) before the app sees it,
    so the app's own MAX_CONTENT_LENGTH would answer 413 only after up to 1 GiB had been written.
    The server's limit is set from the app's: a larger Content-Length is refused at once, and a
    chunked body is cut off at the limit.
    """
    limit = int(config.get("MAX_CONTENT_LENGTH") or 0)
    return {"max_request_body_size": limit} if limit > 0 else {}
