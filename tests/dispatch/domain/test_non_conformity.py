"""Judging a non-conformity claim and settling it (seed §17.1, rules.md §7)."""

from __future__ import annotations

import pytest

from dispatch.domain.codes import RuleCode
from dispatch.domain.non_conformity import NonConformityStatus, assess_claim, rework_settles
from reports.document import ExclusionCause, Result


@pytest.mark.parametrize(("cause", "status", "codes"), [
    # seed §17.1 (1): OXT repeats the maintenance needed to repair the non-conformity
    (None, NonConformityStatus.OPEN, ()),
    # seed §17.1 (2): not OXT's doing → no duty; each out-of-scope cause of seed §10 refuses
    *[(cause, NonConformityStatus.REFUSED, (RuleCode.OUT_OF_SCOPE_CAUSE,))
      for cause in ExclusionCause],
])
def test_claim_is_open_unless_an_out_of_scope_cause_applies(cause, status, codes):
    assessment = assess_claim(cause)
    assert (assessment.status, assessment.codes) == (status, codes)
    assert assessment.reason == (cause.label if cause else None)


@pytest.mark.parametrize(("result", "settles"), [
    (Result.RESOLVED, True),  # "修復" achieved: the claim is closed
    (Result.FOLLOW_UP, False),  # the follow-up visit carries on
    (Result.UNRESOLVED, False),  # repeated: another rework call
])
def test_only_a_resolved_rework_settles_the_claim(result, settles):
    assert rework_settles(result) is settles
