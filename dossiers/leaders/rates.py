"""Rates as the reports print them: percentages rounded half up to two decimals, None without a base."""

from decimal import ROUND_HALF_UP, Decimal


def rounded(value) -> float | None:
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    return None if not whole else rounded(100 * part / whole)


def satisfaction_rate(*, resolved: int, late: int, disliked: int) -> float | None:
    """The one satisfaction rate every page shows (dashboard, ratings, 766, transparency): indicator
    5.4 of the 766 index, 100 % − (% late + % rated "not satisfied") over the dossiers resolved in the
    period. A rating counts once, for its dossier, in the period its handling ended
    (dossiers.figures.count_rating); a late dossier rated badly counts once, as late."""
    if not resolved:
        return None
    return rounded(max(0.0, 100 - 100 * (late + disliked) / resolved))


def digitised_rate(*, digitised: int, e_results: int, received: int, paper_results: int) -> float | None:
    """766 indicator 4.2 (domain-vn.md §7, "attachments in the components and in the result"): the
    dossiers received with their papers digitised and those approved with a digitised (electronic)
    result, over the dossiers received and those approved of procedures whose result is a paper
    document. The 766 page and the dashboard read it."""
    return percent(digitised + e_results, received + paper_results)
