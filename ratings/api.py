"""Ratings for other channels (national portal, kiosks, SMS gateways) and satisfaction figures."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.public import lookup
from mocua import inputs
from mocua.accounts.roles import HasRole
from mocua.accounts.selectors import figures_scope
from mocua.api import ErrorOutput
from mocua.errors import NotFoundError
from mocua.ratelimit import client_address

from . import services, stats
from .forms import GROUPINGS, period_of
from .models import CRITERIA, Level, RatingChannel


class RatingInput(serializers.Serializer):
    code = inputs.Text(max_length=60)
    pin = inputs.Text(max_length=20)
    level = serializers.ChoiceField(choices=Level.choices)
    reason = inputs.Text(required=False, allow_blank=True, max_length=services.MAX_TEXT, multiline=True)
    comment = inputs.Text(required=False, allow_blank=True, max_length=services.MAX_TEXT, multiline=True)
    criteria = serializers.DictField(child=inputs.Integer(min_value=0, max_value=2), required=False,
                                     help_text="c1…c9, mỗi tiêu chí 0–2 điểm; đủ 9 hoặc bỏ trống")


class SatisfactionQueryInput(serializers.Serializer):
    start = inputs.Date(required=False, help_text="Từ ngày (YYYY-MM-DD; mặc định: đầu tháng này)")
    end = inputs.Date(required=False, help_text="Đến ngày (YYYY-MM-DD; mặc định: hôm nay)")
    by = serializers.ChoiceField(choices=GROUPINGS, default="officer", help_text="Nhóm số liệu theo")

    class Meta:
        ref_name = "SatisfactionQuery"


class RatingOutput(serializers.Serializer):
    code = serializers.CharField(source="dossier.code")
    level = serializers.CharField()
    level_label = serializers.CharField(source="get_level_display")
    total = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    feedback_code = serializers.CharField(source="feedback.code", allow_null=True, default=None,
                                          help_text="Mã theo dõi phản ánh mở từ đánh giá “không hài lòng”")


class RatingCreateApi(APIView):
    """The code and PIN prove the right to rate, as on the lookup page (and are rate-limited)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="Đánh giá mức độ hài lòng về một hồ sơ", request=RatingInput,
                   responses={201: RatingOutput,
                              404: OpenApiResponse(ErrorOutput, description="Sai mã hồ sơ hoặc mã tra cứu"),
                              409: OpenApiResponse(ErrorOutput, description="Hồ sơ đã được đánh giá hoặc chưa "
                                                                            "kết thúc (already_rated, not_finished)"),
                              429: OpenApiResponse(ErrorOutput, description="Tra cứu sai quá nhiều lần")})
    def post(self, request):
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dossier = lookup.dossier_lookup(code=values["code"], pin=values["pin"], client=client_address(request))
        if dossier is None:
            raise NotFoundError(lookup.NOT_FOUND)
        rating = services.rating_submit(dossier=dossier, level=values["level"], reason=values.get("reason", ""),
                                        comment=values.get("comment", ""), criteria=values.get("criteria"),
                                        channel=RatingChannel.API)
        return Response(RatingOutput(rating).data, status=status.HTTP_201_CREATED)


class SatisfactionRow(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    very_satisfied = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    not_satisfied = serializers.IntegerField()
    count = serializers.IntegerField()
    satisfied_rate = serializers.FloatField(allow_null=True)
    criteria = serializers.DictField(child=serializers.FloatField(allow_null=True))
    average_total = serializers.FloatField(allow_null=True)
    grade = serializers.CharField()


class Indicator54(serializers.Serializer):
    total = serializers.IntegerField()
    late = serializers.IntegerField()
    disliked = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    max_points = serializers.IntegerField()


class SatisfactionOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.CharField()
    rows = SatisfactionRow(many=True)
    indicator_5_4 = Indicator54()


class SatisfactionStatsApi(APIView):
    permission_classes = [HasRole]

    @extend_schema(summary="Mức độ hài lòng theo cán bộ, phòng ban, cơ quan, thủ tục, tháng; chỉ số 766 mục 5.4",
                   parameters=[SatisfactionQueryInput], responses={200: SatisfactionOutput})
    def get(self, request):
        query = SatisfactionQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end, by = period_of(query.validated_data.get("start"), query.validated_data.get("end"),
                                   query.validated_data["by"])
        scope = figures_scope(request.user)
        return Response(SatisfactionOutput({
            "start": start, "end": end, "by": by,
            "rows": stats.satisfaction_table(scope=scope, start=start, end=end, by=by),
            "indicator_5_4": stats.indicator_5_4(scope=scope, start=start, end=end)}).data)


__all__ = ["CRITERIA", "RatingCreateApi", "SatisfactionStatsApi"]
