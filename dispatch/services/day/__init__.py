"""The service day: planning, re-planning, visits and their progress, the board's data, job
completion.
"""
