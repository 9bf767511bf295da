"""WSGI entry point for gunicorn and friends: ``gunicorn -w 4 annotator.wsgi:app``."""

from __future__ import annotations

from annotator import create_app
from annotator.runtime import tune_gc

app = create_app()
tune_gc()
