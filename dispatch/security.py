"""Security headers on every response (rules.md §8): a CSP without inline scripts, no framing,
no MIME sniffing, no referrer leaks, and no caching of pages with personal data."""

from __future__ import annotations

from flask import Flask, Response, request


def content_security_policy(tile_url: str | None) -> str:
    """The CSP; map tiles are the only third-party origin, and only when configured."""
    img = ["'self'", "data:", "blob:"]
    if tile_url:
        scheme, _, rest = tile_url.partition("://")
        host = rest.split("/", 1)[0].replace("{s}", "*")
        img.append(f"{scheme}://{host}")
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes are allowed (SVG timelines use them); scripts never are.
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(img),
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def init_security(app: Flask) -> None:
    """Attach the security headers to every response."""
    policy = content_security_policy(app.config.get("DISPATCH_TILE_URL"))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
