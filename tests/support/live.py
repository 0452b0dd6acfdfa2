"""The app served by gunicorn as in production (4 processes × 2 threads, gunicorn.conf.py), for tests that need
several processes: shared sign-in counters, faults. Redis for them is TEST_REDIS_URL (DB 5 by default)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import requests

from portal.config import PROJECT_ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_or_skip() -> str:
    """TEST_REDIS_URL, emptied; the test is skipped (with the reason) when no Redis answers there."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at TEST_REDIS_URL ({REDIS_URL}) for counters shared by processes: {error}")
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DATABASE_URL=database_url, PORTAL_SECRET_KEY="live-secret-key-not-for-production",
               PORTAL_SECURE_COOKIES="0", PORTAL_PASSWORD_SIGN_IN="all", WEB_CONCURRENCY="4", PORTAL_THREADS="2",
               **extra)
    return env


def start(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn, logging to a file (a pipe nobody reads would fill and stop it), appended to whatever the
    test reads meanwhile."""
    log = tempfile.TemporaryFile(mode="a+b")  # noqa: SIM115 - read and closed with the process, in stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "portal:create_app()"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_file = log  # type: ignore[attr-defined]
    return process


def stop(process: subprocess.Popen[bytes]) -> str:
    """Stop gunicorn (the process this test started) and return what it logged."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    text = log_so_far(process)
    process.log_file.close()  # type: ignore[attr-defined]
    return text


def log_so_far(process: subprocess.Popen[bytes]) -> str:
    log = process.log_file  # type: ignore[attr-defined]
    log.seek(0)
    return log.read().decode(errors="replace")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: str = ""


@contextmanager
def served(database_url: str, **env: str) -> Iterator[Server]:
    port = free_port()
    process = start(port, environment(database_url, **env))
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        for _ in range(150):
            try:
                if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not start: {stop(process)[-3000:]}")
        yield server
    finally:
        server.log = stop(process)
