"""Process-level tuning for serving (not for the CLI's one-shot commands)."""

from __future__ import annotations

import gc


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
