"""Security headers on every response (rules.md §8): a CSP without inline scripts, no framing,
no MIME sniffing, no referrer leaks, no caching of pages with personal data, no browser
features the app does not use (Permissions-Policy) and, in production, HTTPS only (HSTS)."""

from __future__ import annotations

from flask import Flask, Response, request

from dispatch.access_log import RedactingFilter


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


# The tablet signs on a canvas and the board draws a map: no microphone, location, payment or
# other powerful feature is ever needed, so none may be asked for. The camera only on the
# pages that read the sticker's QR code (js/scan.js), and only by the app itself.
_DENIED = ("accelerometer", "display-capture", "geolocation", "gyroscope", "magnetometer",
           "microphone", "payment", "usb", "interest-cohort")
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in ("camera", *_DENIED))
SCANNING_POLICY = ", ".join(["camera=(self)", *(f"{feature}=()" for feature in _DENIED)])
# The call screen (serial and pack ID) and the technician's report form (device check).
SCANNING_ENDPOINTS = frozenset({"intake.screen", "report_pages.report_form"})
# Two years with subdomains: the value hstspreload.org asks for.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def init_security(app: Flask) -> None:
    """Attach the security headers to every response."""
    policy = content_security_policy(app.config.get("DISPATCH_TILE_URL"))
    app.logger.addFilter(RedactingFilter())  # "Exception on /sign/<token>" names the token
    # Development serves plain HTTP on localhost, where HSTS would lock the browser out.
    production = app.config.get("DISPATCH_ENV") == "production"

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy",
                                    SCANNING_POLICY if request.endpoint in SCANNING_ENDPOINTS
                                    else PERMISSIONS_POLICY)
        if production:
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
