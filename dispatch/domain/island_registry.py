"""Loads the packaged remote-island registry (the one place that reads the JSON file)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from dispatch.domain.islands import IslandRegistry

PACKAGED_REGISTRY = "remote_islands.json"


def read_packaged_document() -> dict[str, Any]:
    """The parsed JSON document shipped in dispatch/data/."""
    text = resources.files("dispatch").joinpath("data", PACKAGED_REGISTRY).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def packaged_registry() -> IslandRegistry:
    """The registry built from the packaged JSON; built once, then shared (it is immutable)."""
    return IslandRegistry.from_document(read_packaged_document())
