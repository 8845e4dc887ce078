"""Salted commitments to personal values, so erasure (rules.md §8) leaves seals intact.

A sealed report does not contain a person's name, only digest = SHA-256(salt || UTF-8
name) with a random 16-byte salt per field. The name and its salt are stored beside the
report, outside the sealed bytes. Erasing both leaves the digest, which reveals nothing:
without the salt, guessing names against it is useless.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace

SALT_BYTES = 16

# Every name of a person in a signed report. Customer and site names are businesses' names.
PERSONAL_FIELDS: tuple[str, ...] = ("technician_name", "attendee_name", "signer_name")


def salted_digest(value: str, salt: bytes) -> str:
    """Hex SHA-256 over the salt followed by the UTF-8 value."""
    return hashlib.sha256(salt + value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Commitment:
    """The sealed digest of one personal field, and its salt until erasure."""

    digest: str
    salt: bytes | None

    @property
    def is_erased(self) -> bool:
        """True once the salt is gone: the plaintext can no longer be checked or shown."""
        return self.salt is None

    def matches(self, value: str) -> bool:
        """True when `value` is the committed plaintext (False once erased)."""
        return self.salt is not None and salted_digest(value, self.salt) == self.digest

    def erased(self) -> Commitment:
        """The same commitment without its salt."""
        return replace(self, salt=None)


def commit(value: str, salt: bytes | None = None) -> Commitment:
    """Commit to `value` with a fresh random salt (or the given one, for tests)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes")
    return Commitment(salted_digest(value, salt), salt)
