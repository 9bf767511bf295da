"""WSGI entry point for gunicorn and friends: ``gunicorn -w 4 annotator.wsgi:app``."""

from __future__ import annotations

from annotator import create_app
from annotator.runtime import tune_gc
from annotator.services.annotations.claim_vectors import start_worker_in_each_process

app = create_app()
tune_gc()
start_worker_in_each_process(app)  # each worker process encodes judged claims in the background
