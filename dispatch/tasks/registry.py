"""Every task module, imported so producers and consumers know the same task names.

Add `from dispatch.tasks import <feature>  # noqa: F401` here for a new task module.
"""

from __future__ import annotations

from dispatch.tasks import (
    housekeeping,  # noqa: F401
    mail,  # noqa: F401
    plans,  # noqa: F401
)
