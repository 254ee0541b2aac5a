"""/api/v1/stats/feedback/, /stats/targets/, /stats/rankings/: the numbers of the leaders' feedback,
targets and rankings pages, for heads and leaders, in their scope, with the same period and filter
input as every /stats/ endpoint (dossiers.leaders.api.StatsApi)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from dossiers.api import ErrorOutput
from dossiers.leaders.api import ERRORS, IndicatorOutput, PeriodOutput, StatsApi, StatsQueryInput
from dossiers.leaders.scope import Filters
from mocua.accounts.models import Agency, Role
from mocua.accounts.roles import HasRole

from .. import figures, services
from ..figures import FeedbackFigures
from ..scores import METRICS, ranked, scorecards
from .rankings import officer_scores, progress, targets_of

TAGS = ["Số liệu lãnh đạo"]


class FeedbackRowOutput(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text="id đơn vị hoặc cán bộ; null: tổng, hoặc chưa giao")
    label = serializers.CharField()
    detail = serializers.CharField()
    received = serializers.IntegerField(help_text="Tiếp nhận trong kỳ")
    handled = serializers.IntegerField(help_text="Đã xử lý xong trong kỳ (trả lời, từ chối, chuyển)")
    handled_on_time = serializers.IntegerField()
    handled_late = serializers.IntegerField()
    open_end = serializers.IntegerField(help_text="Đang xử lý cuối kỳ")
    open_late = serializers.IntegerField(help_text="Đang xử lý cuối kỳ, trễ hạn")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="Chỉ số 5.2 (%)")
    indicators = IndicatorOutput(many=True, help_text="Chỉ số 766 nhóm 5: 5.1, 5.2, 5.3")


class FeedbackStatsOutput(serializers.Serializer):
    period = PeriodOutput()
    units = FeedbackRowOutput(many=True)
    total = FeedbackRowOutput()
    officers = FeedbackRowOutput(many=True)


def _period(period) -> dict:
    return {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


def _feedback_row(row: FeedbackFigures) -> dict:
    return {**{name: getattr(row, name) for name in ("key", "label", "detail", "received", "handled",
                                                      "handled_on_time", "handled_late", "open_end", "open_late",
                                                      "on_time_rate")},
            "indicators": row.indicators}


class StatsFeedbackApi(StatsApi):
    @extend_schema(summary="Phản ánh, kiến nghị theo đơn vị và cán bộ; chỉ số 766 nhóm 5", tags=TAGS,
                   parameters=[StatsQueryInput], responses={200: FeedbackStatsOutput, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        period, filters = data["stats_period"], data["stats_filters"]
        units, total = figures.per_unit(scope=scope, period=period, filters=filters)
        officers = figures.per_officer(scope=scope, period=period, filters=filters)
        return Response(FeedbackStatsOutput({
            "period": _period(period), "units": [_feedback_row(r) for r in units], "total": _feedback_row(total),
            "officers": [_feedback_row(r) for r in officers]}).data)


class ProgressOutput(serializers.Serializer):
    metric = serializers.ChoiceField(choices=[name for name, _ in METRICS])
    label = serializers.CharField()
    target = serializers.FloatField(allow_null=True, help_text="Chỉ tiêu năm (%); null: chưa giao")
    actual = serializers.FloatField(allow_null=True, help_text="Thực hiện trong kỳ (%)")
    met = serializers.BooleanField(allow_null=True)


class UnitProgressOutput(serializers.Serializer):
    agency = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    items = ProgressOutput(many=True)


class TargetsOutput(serializers.Serializer):
    period = PeriodOutput()
    year = serializers.IntegerField()
    units = UnitProgressOutput(many=True)


class TargetInput(serializers.Serializer):
    agency = serializers.IntegerField(help_text="id đơn vị trong phạm vi")
    year = serializers.IntegerField()
    on_time = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    online = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    digitised = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    postal = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    satisfaction = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    feedback_on_time = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)


class TargetOutput(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    year = serializers.IntegerField()
    on_time = serializers.FloatField(allow_null=True)
    online = serializers.FloatField(allow_null=True)
    digitised = serializers.FloatField(allow_null=True)
    postal = serializers.FloatField(allow_null=True)
    satisfaction = serializers.FloatField(allow_null=True)
    feedback_on_time = serializers.FloatField(allow_null=True)
    updated_at = serializers.DateTimeField()


class StatsTargetsApi(StatsApi):
    """GET: each unit's targets for the period's year against its results in the period. POST: a
    leader sets a unit's targets for a year."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasRole.of(Role.LEADER)()]
        return super().get_permissions()

    @extend_schema(summary="Chỉ tiêu năm của các đơn vị và kết quả thực hiện trong kỳ", tags=TAGS,
                   parameters=[StatsQueryInput], responses={200: TargetsOutput, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        period = data["stats_period"]
        cards, _ = scorecards(scope=scope, period=period, filters=Filters(agency_id=data["stats_filters"].agency_id))
        rows = progress(cards, targets_of(scope, period.start.year))
        return Response(TargetsOutput({"period": _period(period), "year": period.start.year, "units": [
            {"agency": r.card.key, "name": r.card.label, "score": r.card.score,
             "items": [{"metric": p.metric, "label": p.label, "target": p.target, "actual": p.actual, "met": p.met}
                       for p in r.items]} for r in rows]}).data)

    @extend_schema(summary="Giao chỉ tiêu năm cho một đơn vị (lãnh đạo cơ quan)", tags=TAGS, request=TargetInput,
                   responses={201: TargetOutput, **ERRORS,
                              404: OpenApiResponse(ErrorOutput, description="Không có đơn vị này.")})
    def post(self, request):
        data = TargetInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        agency = Agency.objects.filter(pk=values.pop("agency")).first()
        if agency is None:
            return Response({"code": "not_found", "detail": "Không có đơn vị này."}, status=status.HTTP_404_NOT_FOUND)
        target = services.target_set(actor=request.user, agency=agency, year=values.pop("year"), values=values)
        return Response(TargetOutput(target).data, status=status.HTTP_201_CREATED)


class RankedUnitOutput(serializers.Serializer):
    rank = serializers.IntegerField(help_text="0: chưa có dữ liệu để xếp hạng")
    agency = serializers.IntegerField()
    name = serializers.CharField()
    indicators = IndicatorOutput(many=True)
    points = serializers.FloatField()
    max_points = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)


class RankedOfficerOutput(serializers.Serializer):
    rank = serializers.IntegerField(help_text="0: không có việc trong kỳ")
    officer = serializers.IntegerField()
    name = serializers.CharField()
    detail = serializers.CharField()
    steps = serializers.IntegerField()
    late_steps = serializers.IntegerField()
    feedback_handled = serializers.IntegerField()
    feedback_late = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)


class RankingsOutput(serializers.Serializer):
    period = PeriodOutput()
    units = RankedUnitOutput(many=True)
    officers_of = serializers.IntegerField(help_text="id đơn vị có cán bộ được xếp hạng")
    officers = RankedOfficerOutput(many=True)


class StatsRankingsApi(StatsApi):
    @extend_schema(summary="Xếp hạng đơn vị (điểm 766 quy về 100) và cán bộ trong đơn vị (tỷ lệ việc đúng hạn)",
                   tags=TAGS, parameters=[StatsQueryInput], responses={200: RankingsOutput, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        period, filters = data["stats_period"], data["stats_filters"]
        cards, _ = scorecards(scope=scope, period=period, filters=filters)
        unit_id = filters.agency_id or scope.root.id
        officers = officer_scores(scope=scope, period=period, agency_id=unit_id, filters=filters)
        return Response(RankingsOutput({
            "period": _period(period), "officers_of": unit_id,
            "units": [{"rank": rank, "agency": c.key, "name": c.label, "indicators": c.indicators, "points": c.points,
                       "max_points": c.max_points, "score": c.score} for rank, c in ranked(cards)],
            "officers": [{"rank": rank, "officer": o.key, "name": o.label, "detail": o.detail, "steps": o.steps,
                          "late_steps": o.late_steps, "feedback_handled": o.feedback_handled,
                          "feedback_late": o.feedback_late, "score": o.score} for rank, o in officers]}).data)
