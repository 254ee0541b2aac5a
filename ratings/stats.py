"""Satisfaction figures, counted in SQL: per officer, department, agency, procedure or month, and
the 766 index's indicator 5.4 (satisfaction with dossier handling), which the leaders' 766 code
computes. Whose ratings a user reads is the one rule of mocua.accounts.selectors.figures_scope."""

import datetime as dt

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncMonth

from dossiers.leaders.index766 import satisfaction
from dossiers.leaders.periods import range_period
from dossiers.leaders.rates import percent, rounded
from mocua.accounts.selectors import FiguresScope

from .models import CRITERIA, Level, Rating

GROUPS = {
    "officer": ("officers__id", "officers__full_name"),
    # Counted over (rating, department) pairs, see _department_rows.
    "department": ("user__department_id", "user__department__name"),
    "agency": ("agency_id", "agency__name"),
    "procedure": ("procedure__code", "procedure__name"),
    "month": ("month", "month"),
}
# How a per-group table attributes a rating (one per dossier): said under the table.
ATTRIBUTION = {
    "officer": "Mỗi đánh giá tính cho mọi cán bộ đã xử lý hồ sơ: cộng các dòng có thể lớn hơn số lượt đánh giá.",
    "department": "Mỗi đánh giá tính một lần cho mỗi phòng ban có cán bộ đã xử lý hồ sơ.",
    "agency": "Mỗi đánh giá tính một lần, cho cơ quan giải quyết hồ sơ.",
    "procedure": "Mỗi đánh giá tính một lần, cho thủ tục của hồ sơ.",
    "month": "Mỗi đánh giá tính một lần, vào tháng người dân đánh giá.",
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


def ratings_in(*, agency_ids: list[int], start: dt.date, end: dt.date) -> QuerySet:
    """Ratings given on the local days start … end: a range of created_at from local midnight to the
    midnight after `end`, which rating_agency_created reads (a filter on created_at's date cannot)."""
    period = range_period(start, end)
    return Rating.objects.filter(agency_id__in=agency_ids, created_at__gte=period.start_at,
                                 created_at__lt=period.end_at)


def _criterion(key: str, prefix: str):
    return Avg(Cast(KeyTextTransform(key, f"{prefix}criteria"), IntegerField()))


def _department_rows(ratings: QuerySet, department_id: int | None) -> QuerySet:
    """One officer-link row per (rating, department): two officers of one department who
    handled the same dossier must not count its rating twice in the department's averages. The
    row kept is the department's officer with the lowest id, found as "no colleague before it",
    which PostgreSQL runs as one anti-join rather than a subquery per link row. Officers with no
    department are left out."""
    through = Rating.officers.through
    earlier_colleague = through.objects.filter(rating_id=OuterRef("rating_id"),
                                               user__department_id=OuterRef("user__department_id"),
                                               user_id__lt=OuterRef("user_id"))
    rows = through.objects.filter(rating__in=ratings, user__department__isnull=False)
    if department_id:  # a department head reads their own department's
        rows = rows.filter(user__department_id=department_id)
    return rows.exclude(Exists(earlier_colleague))


def satisfaction_table(*, scope: FiguresScope, start: dt.date, end: dt.date, by: str) -> list[dict]:
    """One row per group (one query): counts per level, share satisfied, average per criterion
    and of the 18-point total, and its grade. Per officer and per department, a department head
    reads their own department's people."""
    key, label = GROUPS[by]
    queryset, prefix = ratings_in(agency_ids=scope.ids, start=start, end=end), ""
    if by == "month":
        queryset = queryset.annotate(month=TruncMonth("created_at"))
    elif by == "department":
        queryset, prefix = _department_rows(queryset, scope.department_id), "rating__"
    elif by == "officer" and scope.department_id:
        queryset = queryset.filter(officers__department_id=scope.department_id)
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
        "count": count, "satisfied_rate": percent(row["very"] + row["satisfied"], count),
        "criteria": {k: rounded(row[k]) for k, _ in CRITERIA},
        "average_total": rounded(row["average_total"]), "grade": grade(row["average_total"]),
    }


def indicator_5_4(*, scope: FiguresScope, start: dt.date, end: dt.date) -> dict:
    """766 index 5.4 over the scope's dossiers resolved on the local days start … end, as the
    leaders' 766 page computes it (dossiers.leaders.index766): 100 % − (% late + % rated "not
    satisfied"), a late dossier rated badly counted once; full points at ≥ 90 %."""
    total = satisfaction(scope=scope, period=range_period(start, end))
    indicator = total.indicator("5.4")
    return {"total": total.report["resolved"], "late": total.late, "disliked": total.disliked,
            "rate": indicator["rate"], "points": indicator["points"], "max_points": indicator["max_points"]}
