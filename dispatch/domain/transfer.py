"""Passing a device's support to another customer needs OXT's written consent first (seed §14).

Pure rule: no database, no clock. A move between two sites of one customer is a relocation
and needs only the advance notice of rules.md §4; a move to another customer's site hands
the pack's rights and duties to a third party, which サービス仕様書 §14 forbids without
OXT's prior written consent.
"""

from __future__ import annotations

from datetime import date

from dispatch.domain.codes import RuleCode


def transfer_refusal(from_customer_id: int, to_customer_id: int,
                     consented_on: date | None, moved_on: date) -> RuleCode | None:
    """The code that refuses the move, or None when it may go ahead."""
    if from_customer_id == to_customer_id:
        return None
    if consented_on is None or consented_on > moved_on:
        return RuleCode.TRANSFER_WITHOUT_CONSENT
    return None
