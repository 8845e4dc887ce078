"""Demo data per area; the lead calls each `load(today)` from dispatch/demo.py."""
