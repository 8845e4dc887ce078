"""How a `dispatch` command fails on a service error: one clear line and a non-zero exit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from dispatch.errors import DispatchError


def fail_on_service_error(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a DispatchError into click's one-line error instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DispatchError as exc:
            raise click.ClickException(exc.detail) from None

    return wrapper
