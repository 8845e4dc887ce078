"""The task queue: one Huey instance, its storage chosen by configuration.

- `DISPATCH_QUEUE_URL` unset: Huey's SQLite storage, the file `queue.sqlite3` in the instance
  folder. `dispatch serve` and `dispatch demo` then run an embedded consumer thread in each
  web process, so a small office needs no extra server.
- `DISPATCH_QUEUE_URL=redis://host:port/db`: Redis; run `dispatch worker` processes (on as
  many machines as needed) to execute the tasks.
- `DISPATCH_QUEUE_URL=sqlite:///path`: SQLite storage at that file.
- `DISPATCH_QUEUE_NAME` (default `dispatch`): the queue's name, to share one Redis.
- `DISPATCH_QUEUE_IMMEDIATE=1` (tests whose subject is not the queue): tasks run at once,
  in the caller's thread, on Huey's in-memory storage.

The same code path runs in every case: only the storage differs.

How a feature adds a task: put it in `dispatch/tasks/<feature>.py`, decorated with
`@task()` from this module (not `huey.task()` directly: the wrapper gives the function a
Flask app context and a unit of work, so it commits like any use case), and import that
module in `dispatch/tasks/registry.py`, which every producer and consumer imports, so the
task's name is known on both sides:

    # dispatch/tasks/mail.py
    from dispatch.tasks.queue import task

    @task(retries=3, retry_delay=60)
    def send_mail(message_id: int) -> None:
        ...                      # runs in an app context, inside `with unit_of_work():`

    # caller: enqueue after the unit of work that stored the row has committed, so the
    # worker (another process) can see it
    with unit_of_work():
        message = outbox.add(...)
    send_mail(message.id)        # returns a Huey Result; the task runs in a worker

Arguments and results are pickled: pass ids and plain values, never ORM objects.
APScheduler stays the clock (dispatch.scheduler): its jobs enqueue tasks.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from flask import Flask, has_app_context
from huey import Huey
from huey.consumer import Consumer
from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage

from dispatch.config import ConfigError

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
QUEUE_NAME = "dispatch"
SQLITE_FILE = "queue.sqlite3"


class DispatchHuey(Huey):
    """A Huey whose storage is chosen by `configure_queue` and opened on first use.

    The instance must exist at import time (tasks register on it with a decorator), but the
    storage depends on the app's configuration, and opening SQLite storage creates its
    file: so the storage is built lazily, from the class and arguments configured last.
    """

    def __init__(self, name: str) -> None:
        self._storage: BaseStorage | None = None
        super().__init__(name, storage_class=MemoryStorage)

    @property  # type: ignore[override]
    def storage(self) -> BaseStorage:
        if self._storage is None:
            self._storage = self.create_storage()
        return self._storage

    @storage.setter
    def storage(self, value: BaseStorage | None) -> None:
        self._storage = value

    def use(self, storage_class: type[BaseStorage], immediate: bool, name: str = QUEUE_NAME,
            **storage_kwargs: Any) -> None:
        """Switch to this storage (opened on next use), mode and queue name."""
        if self._storage is not None:
            self._storage.close()
        self.name = name
        self.storage_class = storage_class
        self.storage_kwargs = storage_kwargs
        self._immediate = immediate
        self._storage = None


huey = DispatchHuey(QUEUE_NAME)
_state: dict[str, Flask] = {}


def storage_for(url: str | None, instance_path: str) -> tuple[type[BaseStorage], dict[str, Any]]:
    """The Huey storage class and its arguments for DISPATCH_QUEUE_URL."""
    url = (url or "").strip()
    if not url:
        return SqliteStorage, {"filename": str(Path(instance_path) / SQLITE_FILE)}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    if url == "memory://":
        return MemoryStorage, {}
    raise ConfigError(
        f"DISPATCH_QUEUE_URL must be redis://…, sqlite:///… or unset, got '{url}'"
    )


def _flag(value: Any) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def configure_queue(app: Flask) -> None:
    """Point the queue at the storage the app's configuration names (create_app calls it)."""
    storage_class, kwargs = storage_for(app.config.get("DISPATCH_QUEUE_URL"), app.instance_path)
    if storage_class is SqliteStorage:
        Path(kwargs["filename"]).parent.mkdir(parents=True, exist_ok=True)
    # DISPATCH_QUEUE_NAME separates sites (or test runs) that share one Redis.
    name = app.config.get("DISPATCH_QUEUE_NAME") or QUEUE_NAME
    huey.use(storage_class, _flag(app.config.get("DISPATCH_QUEUE_IMMEDIATE")), name, **kwargs)
    # Tasks run in this app (one app per process; a test's app in tests).
    _state["app"] = app


def is_embedded(app: Flask) -> bool:
    """True when no queue server is configured: web processes run the consumer themselves."""
    return not (app.config.get("DISPATCH_QUEUE_URL") or "").strip()


def use_app(app: Flask) -> None:
    """Run tasks in `app`: for a process holding several apps (the test suite builds one per
    CLI or packaging test), the one whose database the caller means."""
    _state["app"] = app


def task_app() -> Flask:
    """The app tasks run in: the one create_app configured in this process.

    Every process that runs tasks builds its app first (`dispatch serve`, `dispatch worker`,
    the tests), so no task builds one itself (and this module never imports `dispatch`).
    """
    if "app" not in _state:
        raise RuntimeError("the task queue has no app: call dispatch.create_app() first")
    return _state["app"]


def task(*, unit: bool = True, **options: Any) -> Callable[[Callable[P, R]], Any]:
    """`huey.task(**options)` whose function runs in an app context and a unit of work.

    `unit=False` leaves the units of work to the function, for a task that must commit
    more than once (a plan job commits "running" before it solves).
    """

    def decorator(func: Callable[P, R]) -> Any:
        @functools.wraps(func)
        def in_app(*args: P.args, **kwargs: P.kwargs) -> R:
            from dispatch.services.unit_of_work import unit_of_work

            # A task run at once (immediate mode) inside a request keeps that request's
            # context; a worker thread has none and gets its own, with its own session.
            context = nullcontext() if has_app_context() else task_app().app_context()
            with context, (unit_of_work() if unit else nullcontext()):
                return func(*args, **kwargs)

        options.setdefault("name", f"{func.__module__}.{func.__qualname__}")
        return huey.task(**options)(in_app)

    return decorator


def build_consumer(workers: int = 1, worker_type: str = "thread", **options: Any) -> Consumer:
    """A Huey consumer over this queue (the `dispatch worker` command runs one)."""
    return huey.create_consumer(workers=workers, worker_type=worker_type, **options)


_embedded: dict[str, Consumer] = {}
_embedded_lock = threading.Lock()


def start_embedded_consumer(workers: int = 1) -> Consumer:
    """Run a consumer in daemon threads of this process (the default, serverless setup).

    Consumer.start() would install signal handlers, which belong to the host process (a
    gunicorn worker), so only its threads are started here. Starting twice is a no-op.
    """
    with _embedded_lock:
        if "consumer" in _embedded:
            return _embedded["consumer"]
        # SQLite storage is polled, backing off while idle (Huey's default: up to 10 s); a
        # second worker thread must notice a national day's region tasks within a second.
        consumer = build_consumer(workers=workers, worker_type="thread",
                                  check_worker_health=False, max_delay=1.0)
        # Tasks run in threads of this process: their solves go to a pool of solver
        # processes, so regions of a national day still use every core (the GIL).
        from dispatch.services.day import solver_pool

        solver_pool.solve_in_threads(True)
        consumer.scheduler.start()
        for _, thread in consumer.worker_threads:
            thread.start()
        _embedded["consumer"] = consumer
        log.info("embedded task consumer started with %d thread(s)", workers)
        return consumer


def stop_embedded_consumer() -> None:
    """Stop the embedded consumer's threads once they finish their current task."""
    with _embedded_lock:
        consumer = _embedded.pop("consumer", None)
    if consumer is not None:
        consumer.stop(graceful=True)
        from dispatch.services.day import solver_pool

        solver_pool.solve_in_threads(False)
