"""WSGI entry point for gunicorn and friends: ``gunicorn -w 4 annotator.wsgi:app``."""

from __future__ import annotations

from annotator import create_app
from annotator.runtime import tune_gc, tune_thread_switching
from annotator.services.annotations.claim_vectors import start_worker_in_each_process

app = create_app()
tune_gc()
tune_thread_switching()  # a worker's requests and its encoder thread share the GIL
start_worker_in_each_process(app)  # each worker process encodes judged claims in the background
