"""Background work on a task queue (Huey): see dispatch.tasks.queue for how to add a task."""
