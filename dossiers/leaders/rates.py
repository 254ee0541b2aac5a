"""Rates as the reports print them: percentages rounded half up to two decimals, None without a base."""

from decimal import ROUND_HALF_UP, Decimal


def rounded(value) -> float | None:
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    return None if not whole else rounded(100 * part / whole)
