"""`dispatch serve` (gunicorn) in a child process, for tests of what a real server sends."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve_and_get(tmp_path: Path, *paths: str) -> tuple[list[Message | None], str]:
    """Start the server on a free port, GET each path, stop it → (headers, its output)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "DISPATCH_INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    log = tmp_path / "served.log"
    headers: list[Message | None] = []
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from dispatch.cli import main; main()",
                                 "serve", "--port", str(port), "--workers", "1"], env=env,
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(port)
            for path in paths:
                headers.append(_get_headers(f"http://127.0.0.1:{port}{path}"))
            time.sleep(1)  # let the access log line reach the file
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return headers, log.read_text()


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _get_headers(url: str) -> Message | None:
    with contextlib.suppress(urllib.error.HTTPError), urllib.request.urlopen(
            url, timeout=10) as resp:
        return resp.headers
    return None
