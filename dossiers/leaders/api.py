"""/api/v1/stats/…: the leaders' figures for other systems (dashboard, late steps per officer,
breakdowns, Biểu 06/VPCP/KSTT, the 766 indicators), the same numbers as the /lanh-dao/ pages.

For department heads and leaders only; the scope is their agency and its sub-agencies
(mocua.accounts.selectors.figures_scope). Period and filters are validated by one InputSerializer: a
bad value is a structured 400 (mocua.api.exception_handler) naming the field, in Vietnamese.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from mocua import inputs
from mocua.accounts.models import Role
from mocua.accounts.roles import HasRole
from mocua.api import ErrorOutput

from .breakdown import GROUPINGS, breakdown
from .dashboard import dashboard
from .index766 import index766
from .officers import OFFICER_SORTS, StepFigures, officer_get, officer_late_steps, officer_overdue_now, officers
from .periods import PERIOD_KINDS, Period, PeriodError, build_period
from .rates import rounded
from .report06 import COLUMNS, ReportRow, report06
from .scope import Filters, Scope, filter_choices, scope_for

TAGS = ["Số liệu lãnh đạo"]
ERRORS = {
    400: OpenApiResponse(ErrorOutput, description="Kỳ báo cáo hoặc bộ lọc không hợp lệ; `fields` nêu trường sai."),
    403: OpenApiResponse(ErrorOutput, description="Chỉ lãnh đạo phòng, lãnh đạo cơ quan được xem số liệu."),
}

# --------------------------------------------------------------------------- input


class StatsQueryInput(serializers.Serializer):
    period = serializers.ChoiceField(choices=PERIOD_KINDS, default="month",
                                     help_text="Loại kỳ: month (tháng), quarter (quý), year (năm), range (khoảng ngày)")
    year = inputs.Integer(required=False, min_value=2000, max_value=2100,
                                    help_text="Năm (mặc định: năm nay)")
    month = inputs.Integer(required=False, min_value=1, max_value=12,
                                     help_text="Tháng, khi period=month (mặc định: tháng này)")
    quarter = inputs.Integer(required=False, min_value=1, max_value=4,
                                       help_text="Quý, khi period=quarter (mặc định: quý này)")
    start = inputs.Date(required=False, help_text="Từ ngày, khi period=range (YYYY-MM-DD)")
    end = inputs.Date(required=False, help_text="Đến ngày, khi period=range (YYYY-MM-DD)")
    agency = inputs.Id(required=False, help_text="id đơn vị trong phạm vi (gồm cả đơn vị cấp dưới)")
    field = inputs.Id(required=False, help_text="id lĩnh vực")
    procedure = inputs.Id(required=False, help_text="id thủ tục")

    class Meta:
        ref_name = "StatsQuery"

    def validate_agency(self, value: int) -> int:
        if value not in self.context["scope"].ids:
            raise serializers.ValidationError("Đơn vị không thuộc phạm vi quản lý của bạn.")
        return value

    def validate_field(self, value: int) -> int:
        if value not in self.context["field_ids"]:
            raise serializers.ValidationError("Lĩnh vực không có trong phạm vi quản lý.")
        return value

    def validate_procedure(self, value: int) -> int:
        if value not in self.context["procedure_ids"]:
            raise serializers.ValidationError("Thủ tục không có trong phạm vi quản lý.")
        return value

    def validate(self, data: dict) -> dict:
        try:
            data["stats_period"] = build_period(data["period"], year=data.get("year"), month=data.get("month"),
                                                quarter=data.get("quarter"), start=data.get("start"),
                                                end=data.get("end"))
        except PeriodError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from error
        data["stats_filters"] = Filters(agency_id=data.get("agency"), field_id=data.get("field"),
                                              procedure_id=data.get("procedure"))
        return data


ORDERS = [("asc", "tăng dần"), ("desc", "giảm dần")]


class OfficersInput(StatsQueryInput):
    sort = serializers.ChoiceField(choices=list(OFFICER_SORTS), default="late_steps",
                                   help_text="Cột sắp xếp (mặc định: số bước quá hạn, nhiều nhất trước)")
    order = serializers.ChoiceField(choices=ORDERS, required=False,
                                    help_text="Mặc định: số liệu giảm dần, tên tăng dần")

    class Meta:
        ref_name = "StatsOfficersQuery"


class BreakdownInput(StatsQueryInput):
    by = serializers.ChoiceField(choices=list(GROUPINGS), help_text="department, agency, field, procedure")
    sort = serializers.ChoiceField(choices=[*OFFICER_SORTS, "on_time_rate"], required=False,
                                   help_text="Mặc định: tỷ lệ đúng hạn (agency), bước quá hạn (loại khác)")
    order = serializers.ChoiceField(choices=ORDERS, required=False)

    class Meta:
        ref_name = "StatsBreakdownQuery"

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        if data.get("sort") == "on_time_rate" and not GROUPINGS[data["by"]].dossier_figures:
            raise serializers.ValidationError({"sort": ["Theo phòng ban không có tỷ lệ đúng hạn để sắp xếp."]})
        return data


class Report06Input(StatsQueryInput):
    by = serializers.ChoiceField(choices=[("field", "theo lĩnh vực"), ("unit", "theo đơn vị")], default="field")

    class Meta:
        ref_name = "StatsReport06Query"


# --------------------------------------------------------------------------- output


class PeriodOutput(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Ngày cuối kỳ (tính cả ngày này)")
    label = serializers.CharField()


class FiguresOutput(serializers.Serializer):
    """Biểu 06's columns 3 to 13, with the on-time (766: 2.1) and online rates in %."""

    total = serializers.IntegerField(help_text="(3) Tổng số nhận giải quyết")
    new_online = serializers.IntegerField(help_text="(4) Mới tiếp nhận trực tuyến")
    new_offline = serializers.IntegerField(help_text="(5) Mới tiếp nhận trực tiếp, bưu chính")
    carried_over = serializers.IntegerField(help_text="(6) Từ kỳ trước")
    resolved = serializers.IntegerField(help_text="(7) Đã giải quyết")
    resolved_early = serializers.IntegerField(help_text="(8) Trước hạn")
    resolved_on_time = serializers.IntegerField(help_text="(9) Đúng hạn")
    resolved_late = serializers.IntegerField(help_text="(10) Quá hạn")
    in_progress = serializers.IntegerField(help_text="(11) Đang giải quyết")
    in_progress_within = serializers.IntegerField(help_text="(12) Trong hạn")
    in_progress_overdue = serializers.IntegerField(help_text="(13) Quá hạn")
    on_time_rate = serializers.FloatField(allow_null=True)
    online_rate = serializers.FloatField(allow_null=True)


class MonthOutput(serializers.Serializer):
    month = serializers.DateField(help_text="Ngày đầu tháng")
    received = serializers.IntegerField()
    early = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()


class TransfersOutput(serializers.Serializer):
    """Transfers between agencies due in the period (from the desk to the competent agency, results back,
    liên thông legs), of the agencies in the scope."""

    sent_on_time = serializers.IntegerField(help_text="Chuyển đi trước hoặc đúng hạn chuyển")
    sent_late = serializers.IntegerField(help_text="Chuyển đi sau hạn chuyển")
    unsent_late = serializers.IntegerField(help_text="Chưa chuyển, đã quá hạn chuyển")
    late = serializers.IntegerField(help_text="Chuyển quá hạn: sau hạn hoặc chưa chuyển dù đã quá hạn")
    received_on_time = serializers.IntegerField(help_text="Hồ sơ chuyển đến, tiếp nhận đúng hạn")
    received_late = serializers.IntegerField(
        help_text="Hồ sơ chuyển đến, tiếp nhận quá hạn hoặc chưa tiếp nhận dù đã quá hạn")


class DashboardOutput(serializers.Serializer):
    period = PeriodOutput()
    figures = FiguresOutput()
    returned = serializers.IntegerField(help_text="Đã trả kết quả trong kỳ")
    refused = serializers.IntegerField(help_text="Từ chối giải quyết")
    withdrawn = serializers.IntegerField(help_text="Công dân rút hồ sơ")
    stopped = serializers.IntegerField(help_text="Dừng xử lý")
    refused_at_intake = serializers.IntegerField(help_text="Từ chối tiếp nhận")
    rated = serializers.IntegerField(help_text="Lượt đánh giá trong kỳ")
    rated_good = serializers.IntegerField(help_text="Lượt rất hài lòng và hài lòng")
    new_post = serializers.IntegerField(help_text="Tiếp nhận qua bưu chính công ích")
    returned_post = serializers.IntegerField(help_text="Trả kết quả qua bưu chính công ích")
    disliked = serializers.IntegerField(
        help_text="Hồ sơ giải quyết trong kỳ, không quá hạn, bị đánh giá không hài lòng")
    satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="Chỉ số 5.4 (766): 100% − (% quá hạn + % không hài lòng) trên hồ sơ đã giải quyết")
    months = MonthOutput(many=True)
    transfers = TransfersOutput()
    warnings = serializers.ListField(child=serializers.CharField())


class StepRowOutput(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    detail = serializers.CharField()
    steps = serializers.IntegerField(help_text="Bước xử lý đã chuyển trong kỳ")
    late_steps = serializers.IntegerField(help_text="Bước quá hạn so với thời gian của bước")
    late_rate = serializers.FloatField(allow_null=True)
    late_seconds = serializers.IntegerField(help_text="Tổng số giây làm việc vượt thời gian")
    late_hours = serializers.FloatField()
    overdue_now = serializers.IntegerField(help_text="Hồ sơ đang quá hạn (hiện tại, không theo kỳ)")
    received = serializers.IntegerField(help_text="Hồ sơ tiếp nhận trong kỳ (theo cán bộ: do cán bộ tiếp nhận)")
    digitised = serializers.IntegerField(help_text="Trong số đó, hồ sơ có toàn bộ giấy tờ đã nộp được số hóa")
    digitised_rate = serializers.FloatField(allow_null=True)


class OfficerRowOutput(StepRowOutput):
    is_active = serializers.BooleanField()


class OfficersOutput(serializers.Serializer):
    period = PeriodOutput()
    rows = OfficerRowOutput(many=True)


class BreakdownRowOutput(StepRowOutput):
    figures = FiguresOutput(allow_null=True, help_text="Không có với department")


class BreakdownOutput(serializers.Serializer):
    period = PeriodOutput()
    by = serializers.CharField()
    rows = BreakdownRowOutput(many=True)


class OfficerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    agency = serializers.CharField()


class LateStepOutput(serializers.Serializer):
    dossier_code = serializers.CharField()
    procedure_name = serializers.CharField()
    step_name = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    late_seconds = serializers.IntegerField()
    late_hours = serializers.FloatField()


class OverdueDossierOutput(serializers.Serializer):
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    step_due_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)


class OfficerLateStepsOutput(serializers.Serializer):
    officer = OfficerOutput()
    period = PeriodOutput()
    late_steps = LateStepOutput(many=True)
    overdue_now = OverdueDossierOutput(many=True)


class ColumnOutput(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    heading = serializers.CharField()


class ReportRowOutput(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text="id lĩnh vực hoặc đơn vị")
    label = serializers.CharField()
    figures = FiguresOutput()


class DeskIntakeOutput(serializers.Serializer):
    """Dossiers received in the period at one agency's desk for another (the form has no column for them)."""

    for_others = serializers.IntegerField(help_text="Tiếp nhận tại bộ phận một cửa của đơn vị, thuộc thẩm quyền "
                                                    "giải quyết của cơ quan khác")
    from_others = serializers.IntegerField(help_text="Thuộc thẩm quyền của đơn vị, do bộ phận một cửa của cơ quan "
                                                     "khác tiếp nhận, chuyển đến (có trong cột 4, 5)")


class Report06Output(serializers.Serializer):
    period = PeriodOutput()
    by = serializers.CharField()
    columns = ColumnOutput(many=True, help_text="Cột (3) đến (13) của Biểu 06")
    rows = ReportRowOutput(many=True)
    total = ReportRowOutput()
    warnings = serializers.ListField(child=serializers.CharField(), help_text="Các đẳng thức của biểu không khớp")
    desk_intake = DeskIntakeOutput(help_text="Ghi chú dưới biểu: hồ sơ tiếp nhận hộ cơ quan khác")


class IndicatorOutput(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    rate = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    max_points = serializers.IntegerField()
    basis = serializers.CharField()
    no_data = serializers.BooleanField(help_text="Chưa có dữ liệu để tính")


class IndexRowOutput(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    indicators = IndicatorOutput(many=True)
    total_points = serializers.FloatField()
    max_points = serializers.IntegerField()


class Index766Output(serializers.Serializer):
    period = PeriodOutput()
    rows = IndexRowOutput(many=True)
    total = IndexRowOutput()


# --------------------------------------------------------------------------- dataclasses → dicts


def _period(period: Period) -> dict:
    return {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


def _figures(row: ReportRow | None) -> dict | None:
    if row is None:
        return None
    return {**row.counts, "on_time_rate": row.on_time_rate, "online_rate": row.online_rate}


def _step_row(row: StepFigures) -> dict:
    return {"key": row.key, "label": row.label, "detail": row.detail, "steps": row.steps,
            "late_steps": row.late_steps, "late_rate": row.late_rate, "late_seconds": row.late_seconds,
            "late_hours": row.late_hours, "overdue_now": row.overdue_now, "received": row.received,
            "digitised": row.digitised, "digitised_rate": row.digitised_rate}


def _report_row(row: ReportRow) -> dict:
    return {"key": row.key, "label": row.label, "figures": _figures(row)}


def _index_row(row) -> dict:
    return {"key": row.key, "label": row.label, "indicators": row.indicators, "total_points": row.total_points,
            "max_points": row.max_points}


# --------------------------------------------------------------------------- views


class StatsApi(APIView):
    """Role check, scope and the validated query; subclasses count and shape the answer."""

    permission_classes = [HasRole.of(Role.HEAD, Role.LEADER)]
    InputSerializer = StatsQueryInput

    def read(self, request) -> tuple[Scope, dict]:
        """Scope (1 query) and the filter choices the input is checked against (2 queries)."""
        scope = scope_for(request.user)
        fields, procedures = filter_choices(scope)
        context = {"scope": scope, "field_ids": {f[0] for f in fields}, "procedure_ids": {p[0] for p in procedures}}
        serializer = self.InputSerializer(data=request.query_params, context=context)
        serializer.is_valid(raise_exception=True)
        return scope, serializer.validated_data


def _order(data: dict) -> bool | None:
    return {"asc": False, "desc": True}.get(data.get("order"))


class StatsDashboardApi(StatsApi):
    @extend_schema(summary="Tổng quan: tiếp nhận, giải quyết, đang giải quyết, tỷ lệ đúng hạn, hài lòng, theo tháng",
                   tags=TAGS, parameters=[StatsQueryInput], responses={200: DashboardOutput, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        board = dashboard(scope=scope, period=data["stats_period"], filters=data["stats_filters"])
        body = {"period": _period(board.period), "figures": _figures(board.figures), **board.extra,
                "satisfaction_rate": board.satisfaction_rate, "months": board.months,
                "transfers": board.transfers, "warnings": board.figures.identity_errors()}
        return Response(DashboardOutput(body).data)


class StatsOfficersApi(StatsApi):
    InputSerializer = OfficersInput

    @extend_schema(summary="Trễ hạn theo cán bộ (theo bước xử lý trong nhật ký chuyển hồ sơ)", tags=TAGS,
                   parameters=[OfficersInput], responses={200: OfficersOutput, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        rows = officers(scope=scope, period=data["stats_period"], filters=data["stats_filters"],
                              sort=data["sort"], descending=_order(data))
        body = {"period": _period(data["stats_period"]),
                "rows": [{**_step_row(r), "is_active": r.is_active} for r in rows]}
        return Response(OfficersOutput(body).data)


class StatsOfficerLateStepsApi(StatsApi):
    @extend_schema(summary="Các bước quá hạn của một cán bộ trong kỳ và hồ sơ đang quá hạn trên bàn", tags=TAGS,
                   parameters=[StatsQueryInput],
                   responses={200: OfficerLateStepsOutput, **ERRORS,
                              404: OpenApiResponse(ErrorOutput, description="Không có cán bộ này trong phạm vi.")})
    def get(self, request, pk: int):
        scope, data = self.read(request)
        officer = officer_get(scope=scope, pk=pk)
        if officer is None:
            raise NotFound("Không có cán bộ này trong phạm vi quản lý của bạn.")
        period, filters = data["stats_period"], data["stats_filters"]
        steps = officer_late_steps(officer=officer, scope=scope, period=period, filters=filters)
        overdue = officer_overdue_now(officer=officer, scope=scope, filters=filters)
        body = {
            "officer": {"id": officer.pk, "name": officer.display_name, "agency": officer.agency.name,
                        "department": officer.department.name if officer.department else None},
            "period": _period(period),
            "late_steps": [{"dossier_code": s.dossier.code, "procedure_name": s.dossier.procedure_name,
                            "step_name": s.step_name, "started_at": s.started_at, "due_at": s.due_at,
                            "finished_at": s.finished_at, "late_seconds": s.late_seconds,
                            "late_hours": rounded(s.late_seconds / 3600)} for s in steps],
            "overdue_now": [{"code": d.code, "procedure_name": d.procedure_name, "status": d.status,
                             "status_label": d.get_status_display(), "step_due_at": d.step_due_at,
                             "due_at": d.due_at} for d in overdue],
        }
        return Response(OfficerLateStepsOutput(body).data)


class StatsBreakdownApi(StatsApi):
    InputSerializer = BreakdownInput

    @extend_schema(summary="Số liệu theo phòng ban, đơn vị (xếp hạng), lĩnh vực hoặc thủ tục", tags=TAGS,
                   parameters=[BreakdownInput], responses={200: BreakdownOutput, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        by = data["by"]
        sort = data.get("sort") or ("on_time_rate" if by == "agency" else "late_steps")
        rows = breakdown(scope=scope, period=data["stats_period"], filters=data["stats_filters"], by=by,
                               sort=sort, descending=_order(data))
        body = {"period": _period(data["stats_period"]), "by": by,
                "rows": [{**_step_row(r), "figures": _figures(r.report)} for r in rows]}
        return Response(BreakdownOutput(body).data)


class StatsReport06Api(StatsApi):
    InputSerializer = Report06Input

    @extend_schema(summary="Biểu số 06/VPCP/KSTT theo lĩnh vực hoặc theo đơn vị", tags=TAGS,
                   parameters=[Report06Input], responses={200: Report06Output, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        report = report06(scope=scope, period=data["stats_period"], filters=data["stats_filters"],
                                by=data["by"])
        body = {"period": _period(report.period), "by": report.by,
                "columns": [{"number": n, "key": k, "heading": h} for n, k, h in COLUMNS],
                "rows": [_report_row(r) for r in report.rows], "total": _report_row(report.total),
                "warnings": report.warnings, "desk_intake": report.desk}
        return Response(Report06Output(body).data)


class StatsIndex766Api(StatsApi):
    @extend_schema(summary="Các chỉ số tính được của Bộ chỉ số 766: 2.1, 3.3, 4.1, 4.2, 5.4", tags=TAGS,
                   parameters=[StatsQueryInput], responses={200: Index766Output, **ERRORS})
    def get(self, request):
        scope, data = self.read(request)
        rows, total = index766(scope=scope, period=data["stats_period"], filters=data["stats_filters"])
        body = {"period": _period(data["stats_period"]), "rows": [_index_row(r) for r in rows],
                "total": _index_row(total)}
        return Response(Index766Output(body).data)
