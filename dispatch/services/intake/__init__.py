"""Repair calls on the dedicated repair line: taking a call, the same-day decision, resolving by
phone, overrides.
"""
