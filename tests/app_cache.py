"""Work every test app repeats, done once per test process.

Each test gets a fresh app from create_app (its own config, extensions and state). Two parts of
that are pure functions of the code, yet took about a third of the suite's time:
- werkzeug compiles two URL builders per route (Python source, ~110 routes) for every app;
- Jinja compiles every template again for every app that renders it.
Both results depend only on their inputs, which the caches below key on in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing import Rule


class TemplateBytecode(BytecodeCache):
    """Jinja's own bytecode cache, in memory: a template is recompiled when its source changes
    (the bucket's checksum), and never otherwise."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = TemplateBytecode()


def _builder_key(rule: Rule, append_unknown: bool) -> tuple[Any, ...]:
    """Everything werkzeug's builder source is made from: the rule's parsed parts, its defaults
    (baked in through their converters) and whether unknown arguments become a query string."""
    converters = tuple(sorted((name, type(c)) for name, c in rule._converters.items()))
    defaults = repr(sorted((rule.defaults or {}).items()))
    return (rule.rule, append_unknown, tuple(rule._trace), defaults, converters)


@contextmanager
def shared_route_builders() -> Iterator[None]:
    """Compile each distinct URL builder once; every later app's rule reuses the function.

    The builder is a plain function of the rule passed as its first argument (werkzeug binds it
    with __get__), so one function serves every app's copy of the same rule."""
    original: Callable[..., Any] | None = getattr(Rule, "_compile_builder", None)
    if original is None:  # werkzeug changed its internals: build routes the normal way
        yield
        return
    builders: dict[tuple[Any, ...], Callable[..., Any]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        key = _builder_key(self, append_unknown)
        if key not in builders:
            builders[key] = original(self, append_unknown)
        return builders[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compile_builder)
        yield
