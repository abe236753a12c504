"""The browser tests' harness: Debian's Chromium driven by Playwright against a real
``lotline serve`` on a free 127.0.0.1 port, with a user of each role.

The browser is found from $LOTLINE_CHROMIUM, then ``chromium-headless-shell``, then
``chromium`` on PATH; without one (or without Playwright) the browser tests skip and
say how to install it (``make browser``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import lotline

ROLES = ("viewer", "operator", "manager", "admin")
PASSWORD = "secret-{role}"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS_ENV = "LOTLINE_SCREENSHOTS"
HOW_TO_INSTALL = (
    "no Chromium found (set LOTLINE_CHROMIUM, or install chromium-headless-shell: "
    "`make browser`); the browser tests are skipped"
)


def chromium() -> str | None:
    """The Chromium to drive: $LOTLINE_CHROMIUM, chromium-headless-shell, chromium."""
    given = os.environ.get("LOTLINE_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return shutil.which("chromium-headless-shell") or shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_users(url: str) -> None:
    with lotline.open(url, user="setup") as app:
        for role in ROLES:
            app.users.add(role, role, PASSWORD.format(role=role))


@contextmanager
def served(url: str, log: Path) -> Iterator[str]:
    """``lotline serve`` on the database at ``url``; yields its base URL, stops it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOTLINE_SECRET_KEY": "browser-tests"}
    command = [sys.executable, "-m", "lotline", "--db", url, "serve", "--port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(base: str, process: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"lotline serve stopped: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"lotline serve did not answer within 30 s: {log.read_text()}")
