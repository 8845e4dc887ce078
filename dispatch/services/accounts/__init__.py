"""Accounts: users, passwords and login throttling, API tokens, administrators' use cases."""
