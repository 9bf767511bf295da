"""`annotator serve` refuses an oversized body before storing it (waitress's limit set from the app's)."""

from __future__ import annotations

import select
import socket

import pytest

from tests.servers import HOST, app_env, cli, free_port, running, serve_command

BODY = 200 * 1024 * 1024
CHUNK = 64 * 1024
LIMIT_WRITTEN = 10 * 1024 * 1024
# Under pytest-xdist (make test) these tests share one worker, so the module's server starts once.
pytestmark = pytest.mark.xdist_group("serve-limits")


def send_until_answered(port: int, head: bytes, chunk: bytes, total: int) -> tuple[int, bytes]:
    """Stream a body until the server answers or closes: (bytes of body written, its answer)."""
    written = 0
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall(head)
        while written < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            written += len(chunk)
        sock.settimeout(10)
        try:
            answer = sock.recv(4096)
        except ConnectionResetError:
            answer = b""
    return written, answer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("serve-instance")
    env = app_env(instance)
    cli(env, "init")
    port = free_port()
    with running(serve_command(port), env, port, instance / "serve.log"):
        yield port


@pytest.mark.parametrize("path", ["/login", "/api/v1/articles", "/import/preview"])
def test_a_200_mb_body_with_its_length_is_refused_before_10_mb_are_written(server, path):
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {BODY}\r\n\r\n"
    ).encode()
    written, answer = send_until_answered(server, head, b"x" * CHUNK, BODY)
    assert written < LIMIT_WRITTEN, f"{written:,} bytes were accepted before the answer"
    assert b" 413 " in answer.split(b"\r\n", 1)[0], answer[:200]


def test_a_chunked_200_mb_body_is_cut_off_at_the_limit(server):
    head = (
        f"POST /login HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/octet-stream\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n"
    written, answer = send_until_answered(server, head, chunk, BODY)
    # Without a length the server must read up to its limit (8 MiB); the rest sits in the
    # kernel's socket buffers, never in the server.
    assert written < 2 * LIMIT_WRITTEN, f"{written:,} bytes were accepted before the answer"
    assert b" 413 " in answer.split(b"\r\n", 1)[0], answer[:200]
