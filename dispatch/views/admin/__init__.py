"""Administrators' pages: audit log, users, tokens, island registry, privacy requests."""
