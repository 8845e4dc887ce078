"""Idempotency-Key fingerprints shared by the use cases that accept the header.

A key answers a resend with the first answer only when the resend is the same request:
the same action on the same target with the same body, by the same user. Anything else
under a used key is a 409, never a silent replay of another request's answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dispatch.errors import Conflict

MISMATCH = "already used with another request body or target"


def fingerprint(value: Any) -> str:
    """SHA-256 of the canonical JSON of a request (sorted keys; other values as text)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def refuse_mismatch(stored: str | None, current: str, what: str = "request") -> None:
    """409 when a key comes back with a request other than the one it first named."""
    if stored != current:
        raise Conflict(f"this Idempotency-Key was already used for a different {what}",
                       errors={"Idempotency-Key": [MISMATCH]})
