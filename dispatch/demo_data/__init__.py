"""Demo data per area; dispatch/demo.py calls each load(today)."""
