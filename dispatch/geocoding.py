"""Address → coordinates through a self-hosted Nominatim server (the only module doing so).

Geocoding is optional: without a configured server the API asks the caller for lat/lon
(422) instead of guessing. It lives outside dispatch/domain because it does network I/O.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

DEFAULT_USER_AGENT = "oki-dispatch"
DEFAULT_TIMEOUT_S = 5.0


class GeocodingUnavailable(Exception):
    """The geocoding server failed or could not be reached (not the same as "no match")."""


class Geocoder(Protocol):
    """Anything that turns an address into (lat, lon)."""

    def locate(self, address: str) -> tuple[float, float] | None:
        """(lat, lon) of the address, or None when the server knows no such place."""
        ...


class NominatimGeocoder:
    """Geocoder backed by a Nominatim server given by its base URL."""

    def __init__(
        self,
        url: str,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        scheme, domain = split_server_url(url)
        self._nominatim = Nominatim(
            domain=domain, scheme=scheme, user_agent=user_agent, timeout=timeout_s
        )

    def locate(self, address: str) -> tuple[float, float] | None:
        """(lat, lon) of the best match in Japan, or None when nothing matches."""
        if not address.strip():
            return None
        try:
            # Restricting to Japan keeps a bare town name from matching abroad.
            location = self._nominatim.geocode(
                address, exactly_one=True, language="ja", country_codes="jp"
            )
        except GeopyError as error:
            raise GeocodingUnavailable(str(error)) from error
        if location is None:
            return None
        return (float(location.latitude), float(location.longitude))


def split_server_url(url: str) -> tuple[str, str]:
    """(scheme, domain) for geopy from "https://host[:port][/prefix]", or ValueError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"geocoder URL must be http(s)://host[:port][/path], got {url!r}")
    # geopy joins scheme://domain + "/search", so a path prefix can ride along in domain.
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


def geocoder_from_config(
    url: str | None, user_agent: str = DEFAULT_USER_AGENT, timeout_s: float = DEFAULT_TIMEOUT_S
) -> Geocoder | None:
    """The configured geocoder, or None when no server URL is set."""
    if url is None or not url.strip():
        return None
    return NominatimGeocoder(url, user_agent=user_agent, timeout_s=timeout_s)
