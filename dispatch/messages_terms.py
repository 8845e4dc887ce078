"""The one label table of pack products and pack/application statuses: Japanese, then English.

Pages show a stored value through `t('product.' ~ value)` or `t('pack.status.' ~ value)`
instead of the raw enum value; the coverage timeline uses the same labels.
"""

from __future__ import annotations

from dispatch.domain.products import PackProduct, PackStatus
from dispatch.i18n import add_messages

PRODUCT_LABELS: dict[PackProduct, tuple[str, str]] = {
    PackProduct.STD1: ("1年パック", "1-year pack"),
    PackProduct.STD3: ("3年パック", "3-year pack"),
    PackProduct.STD4: ("4年パック", "4-year pack"),
    PackProduct.STD5: ("5年パック", "5-year pack"),
    PackProduct.STD6: ("6年パック", "6-year pack"),
    PackProduct.STD7: ("7年パック", "7-year pack"),
    PackProduct.EXT1: ("延長1年", "1-year extension"),
    PackProduct.EXT2: ("延長2年", "2-year extension"),
}

PACK_STATUS_LABELS: dict[PackStatus, tuple[str, str]] = {
    PackStatus.PURCHASED: ("購入済", "Purchased"),
    PackStatus.APPLIED: ("申請中", "Applied"),
    PackStatus.INQUIRY: ("照会中", "Inquiry"),
    PackStatus.REGISTERED: ("登録済", "Registered"),
    PackStatus.CANCELLED: ("取消", "Cancelled"),
    PackStatus.VOID: ("無効", "Void"),
    PackStatus.REFUSED: ("謝絶", "Refused"),
}

add_messages({"pack.warranty": ("無償保証", "Free warranty")})
add_messages({f"product.{product.value}": pair for product, pair in PRODUCT_LABELS.items()})
add_messages({f"pack.status.{status.value}": pair for status, pair in PACK_STATUS_LABELS.items()})
