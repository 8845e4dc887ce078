"""Queue overhead per job: a trivial task (one SELECT 1) enqueued and its result awaited,
one at a time, through the embedded consumer thread, on SQLite storage or Redis.

    PYTHONPATH=. python benchmarks/queue_bench.py --jobs 200 [--redis redis://127.0.0.1:6379/15]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from huey.storage import RedisStorage, SqliteStorage


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--redis", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    from flask_migrate import upgrade

    from dispatch import create_app
    from dispatch.tasks import queue
    from dispatch.tasks.housekeeping import ping

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}"})
    with app.app_context():
        upgrade()  # the consumer's start-up tasks (failing lost plan jobs) read the schema
    if args.redis:
        queue.huey.use(RedisStorage, False, f"bench-{uuid.uuid4().hex[:6]}", url=args.redis)
    else:
        queue.huey.use(SqliteStorage, False, filename=str(folder / "queue.sqlite3"))
    consumer = queue.start_embedded_consumer()
    # Poll often: the default backs off to 10 s when the queue is idle.
    for worker, _ in consumer.worker_threads:
        worker.default_delay = worker.delay = 0.01
        worker.max_delay = 0.05
    ping("warm").get(blocking=True, timeout=30)
    took = []
    for i in range(args.jobs):
        began = time.perf_counter()
        assert ping(str(i)).get(blocking=True, timeout=30, max_delay=0.005) == str(i)
        took.append((time.perf_counter() - began) * 1000)
    queue.stop_embedded_consumer()
    took.sort()
    print(f"{type(queue.huey.storage).__name__}: {args.jobs} jobs, p50 "
          f"{statistics.median(took):.1f} ms, p95 {took[int(len(took) * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
