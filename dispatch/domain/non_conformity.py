"""Non-conformity (seed §17.1, rules.md §7): a signed job that does not meet the specification.

The site manager reports it; OXT reworks free of charge, again and again, until a later
report is signed `resolved`. When the signed report names an out-of-scope cause the fault
is not OXT's work, so the claim is refused with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispatch.domain.codes import RuleCode
from reports.document import ExclusionCause, Result


class NonConformityStatus(StrEnum):
    """Where a non-conformity claim stands; the values are part of the API."""

    OPEN = "open"  # a rework call is being served
    RESOLVED = "resolved"  # a later report was signed `resolved`
    REFUSED = "refused"  # an out-of-scope cause applies


@dataclass(frozen=True)
class Assessment:
    """The answer to a claim: open with free rework, or refused with codes and a reason."""

    status: NonConformityStatus
    codes: tuple[RuleCode, ...] = ()
    reason: str | None = None


def assess_claim(exclusion_cause: ExclusionCause | None) -> Assessment:
    """Judge a claim against the signed report it is about (seed §17.1)."""
    if exclusion_cause is not None:
        # The report itself records that the failure had a cause outside the service.
        return Assessment(NonConformityStatus.REFUSED, (RuleCode.OUT_OF_SCOPE_CAUSE,),
                          exclusion_cause.label)
    return Assessment(NonConformityStatus.OPEN)


def rework_settles(result: Result) -> bool:
    """A rework report signed `resolved` closes the claim; any other result keeps it open."""
    return result is Result.RESOLVED
