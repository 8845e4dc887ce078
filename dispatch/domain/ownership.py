"""Which records a site manager may see (docs/rules.md §8 roles).

An account is tied to a person by e-mail (§9): a site manager manages the sites whose
`manager_email` is theirs. E-mail addresses are compared case-insensitively, because the
same person is typed as `Tanaka@…` on one form and `tanaka@…` on another.
"""

from __future__ import annotations


def email_key(email: str) -> str:
    """The form an e-mail address is compared in: trimmed and lower-cased, as SQL `lower()`."""
    return email.strip().lower()


def manages_site(manager_email: str | None, user_email: str) -> bool:
    """True when the user with `user_email` is the site manager named by `manager_email`."""
    if not manager_email or not user_email.strip():
        return False
    return email_key(manager_email) == email_key(user_email)
