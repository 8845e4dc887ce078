"""The service's figures over a date range (rules.md §10), computed in SQL."""
