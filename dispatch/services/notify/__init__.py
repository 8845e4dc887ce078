"""E-mail notifications through a transactional outbox (rules.md §11)."""
