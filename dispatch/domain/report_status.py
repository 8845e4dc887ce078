"""Where a work report stands (rules.md §7); the values are part of the API."""

from __future__ import annotations

from enum import StrEnum


class ReportStatus(StrEnum):
    """A work report is a draft until the site manager signs it or refuses to."""

    DRAFT = "draft"
    SIGNED = "signed"  # sealed: never edited again
    REFUSED = "refused"  # the job stays open; saving the report again makes it a draft
