"""Satisfaction figures, counted in SQL: per officer, department, agency, procedure or month,
and the 766 index's indicator 5.4 (satisfaction with dossier handling)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncMonth

from dossiers.stats import figures_totals, range_period
from mocua.accounts.models import Agency, Role

from .models import CRITERIA, Level, Rating

GROUPS = {
    "officer": ("officers__id", "officers__full_name"),
    # Counted over (rating, department) pairs, see _department_rows.
    "department": ("user__department_id", "user__department__name"),
    "agency": ("agency_id", "agency__name"),
    "procedure": ("procedure__code", "procedure__name"),
    "month": ("month", "month"),
}
GROUP_LABELS = {"officer": "Cán bộ", "department": "Phòng ban", "agency": "Cơ quan", "procedure": "Thủ tục",
                "month": "Tháng"}


def grade(total: float | None) -> str:
    """The 18-point scale's grades (domain-vn.md §6.1); 15 itself counts as Tốt."""
    if total is None:
        return ""
    if total > 15:
        return "Xuất sắc"
    if total >= 12:
        return "Tốt"
    if total >= 9:
        return "Khá"
    if total >= 6:
        return "Trung bình"
    return "Yếu"


def agency_scope(agency: Agency) -> list[int]:
    """The agency and every agency below it."""
    ids, frontier = [agency.pk], [agency.pk]
    while frontier:
        frontier = list(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def scope_for(user) -> list[int]:
    """Whose figures an officer may read: a leader (or the agency's administrator) their agency and
    the agencies below it, everyone else their own agency only."""
    if user.role in (Role.LEADER, Role.ADMIN):
        return agency_scope(user.agency)
    return [user.agency_id]


def ratings_in(*, agency_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """Ratings given on the local days start … end: a range of created_at from local midnight to the
    midnight after `end`, which rating_agency_created reads (a filter on created_at's date cannot)."""
    period = range_period(start, end)
    return Rating.objects.filter(agency_id__in=agency_ids, created_at__gte=period.start_at,
                                 created_at__lt=period.end_at)


def _criterion(key: str, prefix: str):
    return Avg(Cast(KeyTextTransform(key, f"{prefix}criteria"), IntegerField()))


def _department_rows(ratings: QuerySet) -> QuerySet:
    """One officer-link row per (rating, department): two officers of one department who
    handled the same dossier must not count its rating twice in the department's averages. The
    row kept is the department's officer with the lowest id, found as "no colleague before it",
    which PostgreSQL runs as one anti-join rather than a subquery per link row (a year of the
    province's ratings by department: 1.2 s at 1M). Officers with no department are left out."""
    through = Rating.officers.through
    earlier_colleague = through.objects.filter(rating_id=OuterRef("rating_id"),
                                               user__department_id=OuterRef("user__department_id"),
                                               user_id__lt=OuterRef("user_id"))
    return through.objects.filter(rating__in=ratings, user__department__isnull=False).exclude(
        Exists(earlier_colleague))


def satisfaction_table(*, agency_ids: list[int], start: dt.date, end: dt.date, by: str) -> list[dict]:
    """One row per group (one query): counts per level, share satisfied, average per criterion
    and of the 18-point total, and its grade."""
    key, label = GROUPS[by]
    queryset, prefix = ratings_in(agency_ids=agency_ids, start=start, end=end), ""
    if by == "month":
        queryset = queryset.annotate(month=TruncMonth("created_at"))
    elif by == "department":
        queryset, prefix = _department_rows(queryset), "rating__"
    level, pk = f"{prefix}level", f"{prefix}id"
    rows = (queryset.values(key, label) if key != label else queryset.values(key)).annotate(
        very=Count(pk, filter=Q(**{level: Level.VERY_SATISFIED}), distinct=True),
        satisfied=Count(pk, filter=Q(**{level: Level.SATISFIED}), distinct=True),
        not_satisfied=Count(pk, filter=Q(**{level: Level.NOT_SATISFIED}), distinct=True),
        total_ratings=Count(pk, distinct=True),
        average_total=Avg(f"{prefix}total"),
        **{key_: _criterion(key_, prefix) for key_, _ in CRITERIA},
    ).order_by(key)
    return [_row(row, key, label) for row in rows]


def _row(row: dict, key: str, label: str) -> dict:
    count = row["total_ratings"]
    return {
        "key": row[key], "label": row[label] if key != label else row[key],
        "very_satisfied": row["very"], "satisfied": row["satisfied"], "not_satisfied": row["not_satisfied"],
        "count": count, "satisfied_rate": _percent(row["very"] + row["satisfied"], count),
        "criteria": {k: _round(row[k]) for k, _ in CRITERIA},
        "average_total": _round(row["average_total"]), "grade": grade(row["average_total"]),
    }


def _round(value) -> float | None:
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else _round(100 * part / whole)


def indicator_5_4(*, agency_ids: list[int], start: dt.date, end: dt.date) -> dict:
    """766 index 5.4 (6 points, full at ≥ 90 %): 100 % − (% of dossiers late + % with a
    "not satisfied" rating), over the dossiers resolved in the period; proportional below 90 %.
    Read from the dossiers' daily figures (one query): resolved early, on time or late, those
    withdrawn or stopped past their due (late here, on time in Biểu 06), and the not-late ones rated
    "not satisfied" on the day their handling ended, so a late dossier rated badly counts once."""
    sums = figures_totals(agency_ids=agency_ids, period=range_period(start, end), names=(
        "resolved_early", "resolved_on_time", "resolved_late", "closed_late", "disliked"))
    total = sums["resolved_early"] + sums["resolved_on_time"] + sums["resolved_late"]
    figures = {"total": total, "late": sums["resolved_late"] + sums["closed_late"], "disliked": sums["disliked"]}
    if not total:
        return {"total": 0, "late": 0, "disliked": 0, "rate": None, "points": None, "max_points": 6}
    rate = max(0.0, 100.0 - 100.0 * (figures["late"] + figures["disliked"]) / total)
    points = 6.0 if rate >= 90 else rate * 6 / 90
    return {**figures, "rate": _round(rate), "points": _round(points), "max_points": 6}


def officer_satisfaction(*, user_ids: list[int]) -> dict[int, float | None]:
    """Share satisfied per officer over all their ratings (for a leader's per-officer view)."""
    rows = (Rating.objects.filter(officers__in=user_ids).values(officer=F("officers__id"))
            .annotate(total=Count("id"), good=Count("id", filter=~Q(level=Level.NOT_SATISFIED))))
    return {row["officer"]: _percent(row["good"], row["total"]) for row in rows}
