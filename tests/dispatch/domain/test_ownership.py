"""The one site-manager rule (rules.md §8 roles): the manager named on a site owns it."""

import pytest

from dispatch.domain.ownership import email_key, manages_site


@pytest.mark.parametrize(
    ("manager_email", "user_email", "manages"),
    [
        ("tanaka@example.jp", "tanaka@example.jp", True),  # exact
        ("tanaka@example.jp", "Tanaka@Example.jp", True),  # user typed with capitals
        ("Tanaka@Example.JP", "tanaka@example.jp", True),  # site recorded with capitals
        ("TANAKA@EXAMPLE.JP", "tanaka@example.jp", True),  # all upper against all lower
        (" tanaka@example.jp ", "tanaka@example.jp", True),  # spaces around the site's e-mail
        ("tanaka@example.jp", "  Tanaka@example.jp\t", True),  # spaces around the user's
        (None, "tanaka@example.jp", False),  # site without a manager e-mail
        ("", "tanaka@example.jp", False),  # empty manager e-mail
        ("   ", "tanaka@example.jp", False),  # blank manager e-mail
        ("tanaka@example.jp", "", False),  # empty user e-mail
        ("tanaka@example.jp", "   ", False),  # blank user e-mail
        ("", "", False),  # two empties are not a match
        ("tanaka@example.jp", "sato@example.jp", False),  # different person
        ("tanaka@example.jp", "tanaka@example.co.jp", False),  # same name, other domain
        ("tanaka@example.jp", "tanaka.h@example.jp", False),  # similar local part
    ],
)
def test_site_manager_owns_the_site_named_by_their_email(manager_email, user_email, manages):
    assert manages_site(manager_email, user_email) is manages


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("tanaka@example.jp", "tanaka@example.jp"),  # already the key
        ("Tanaka@Example.JP", "tanaka@example.jp"),  # lower-cased, as SQL lower()
        ("  tanaka@example.jp\n", "tanaka@example.jp"),  # trimmed
    ],
)
def test_email_key_is_trimmed_and_lower_cased(email, key):
    assert email_key(email) == key
