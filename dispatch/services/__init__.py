"""Use cases: each public function is one transaction; services flush, and the caller's
unit of work (unit_of_work.py) commits."""
