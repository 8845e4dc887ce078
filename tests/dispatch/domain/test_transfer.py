"""Seed §14: a device handed to another customer needs OXT's written consent first."""

from __future__ import annotations

from datetime import date

import pytest

from dispatch.domain.codes import RuleCode
from dispatch.domain.transfer import transfer_refusal

MOVE = date(2026, 8, 20)
REFUSED = RuleCode.TRANSFER_WITHOUT_CONSENT


@pytest.mark.parametrize(("from_customer", "to_customer", "consented_on", "expected"), [
    # Another site of the same customer: a relocation, no consent needed.
    (1, 1, None, None),
    # Another customer, consent on record the day before the move.
    (1, 2, date(2026, 8, 19), None),
    # Consent dated the day of the move still comes before it.
    (1, 2, MOVE, None),
    # Another customer and no consent: refused.
    (1, 2, None, REFUSED),
    # Consent given only after the move is not prior consent.
    (1, 2, date(2026, 8, 21), REFUSED),
])
def test_handing_a_device_to_another_customer_needs_prior_written_consent(
        from_customer, to_customer, consented_on, expected):
    assert transfer_refusal(from_customer, to_customer, consented_on, MOVE) == expected
