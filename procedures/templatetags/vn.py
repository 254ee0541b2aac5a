"""Vietnamese number formats for templates and PDFs: 1.234.000 đồng."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """Whole đồng with dots between thousands, as Vietnamese documents write them."""
    if amount in (None, ""):
        return ""
    return f"{int(amount):,}".replace(",", ".")


@register.filter
def number(value) -> str:
    """A decimal without trailing zeros and with a decimal comma: 0,5 / 3."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")
