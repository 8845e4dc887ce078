"""Onsite-service dispatch for OKI printer support packs."""
