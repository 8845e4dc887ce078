"""Registration fixtures: an installed COREFIDO printer bought 2026-04-10 (lifetime 7 years)."""

from __future__ import annotations

from typing import Any

import pytest
from factories import installed_device, model_payload
from registration_factories import Flow


@pytest.fixture
def installed(coordinator) -> dict[str, Any]:
    return installed_device(coordinator)


@pytest.fixture
def other_model(coordinator) -> None:
    """A non-COREFIDO model: 5-year lifetime, 6-month warranty, no std4 offered."""
    coordinator.post("/models", json=model_payload(
        code="B432dn", name="B432dn", series="other", lifetime_years=5, warranty_months=6,
        print_limit=100_000, packs_offered=["std1", "std3", "std5", "ext1", "ext2"]))


@pytest.fixture
def flow(coordinator, installed) -> Flow:
    return Flow(coordinator)
