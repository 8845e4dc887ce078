"""Blueprints, one per area: api (JSON), auth and the role landing pages."""
