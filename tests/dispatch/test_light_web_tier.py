"""A web process does not import the solver's heavy libraries (OR-Tools, numba, pandas):
solving runs in task queue workers, and each gunicorn worker would hold them in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("ortools", "numba", "pandas")
PROBE = f"""
import json, sys
from dispatch import create_app
app = create_app()
client = app.test_client()
client.get("/login")  # a request through the app, as a web worker serves one
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
"""


def test_importing_and_serving_the_app_loads_no_solver_library(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPATCH_INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
