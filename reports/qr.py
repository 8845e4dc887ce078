"""QR codes as small inline SVG for web pages (the PDFs draw theirs with reportlab's widget).

reportlab's encoder is already a dependency; one `<path>` of unit squares keeps the SVG a
few kilobytes where reportlab's SVG renderer writes one element per module.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white margin the QR specification asks for


def qr_svg(text: str, *, size_px: int = 192, title: str = "") -> str:
    """An inline `<svg>` QR code (error correction M) encoding `text`."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count: int = code.getModuleCount()  # type: ignore[no-untyped-call]
    side = count + 2 * QUIET_ZONE
    dark: Callable[[int, int], bool] = code.isDark  # reportlab's encoder is untyped
    path = "".join(f"M{c + QUIET_ZONE} {r + QUIET_ZONE}h1v1h-1z"
                   for r in range(count) for c in range(count) if dark(r, c))
    label = f"<title>{escape(title)}</title>" if title else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" '
            f'width="{size_px}" height="{size_px}" viewBox="0 0 {side} {side}" '
            f'shape-rendering="crispEdges">{label}<rect width="{side}" height="{side}" '
            f'fill="#fff"/><path fill="#000" d="{path}"/></svg>')
