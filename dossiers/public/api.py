"""POST /api/v1/lookup/: the public lookup for other systems (kiosks, apps). Same rules as the
page: code and PIN in the body, identical answers for unknown code and wrong PIN, rate-limited."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mocua import inputs
from mocua.api import ErrorOutput
from mocua.errors import NotFoundError
from mocua.ratelimit import client_address

from . import lookup


class LookupInput(serializers.Serializer):
    code = inputs.Text(max_length=60)
    pin = inputs.Text(max_length=20)


class TimelineOutput(serializers.Serializer):
    step = serializers.CharField()
    unit = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ResultOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Mã kết quả điện tử: {mã hồ sơ}-KQ{n}")
    name = serializers.CharField()
    verdict = serializers.CharField(help_text="valid, unknown_signer (altered and unsigned files are refused)")
    verdict_label = serializers.CharField(source="get_verdict_display")
    signer = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    file_removed_at = serializers.DateTimeField(allow_null=True, help_text="Tệp đã xóa khi hết thời hạn lưu giữ")


class LookupOutput(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    portal_status = serializers.IntegerField()
    procedure = serializers.CharField()
    agency = serializers.CharField()
    applicant = serializers.CharField(help_text="Tên chủ hồ sơ đã che")
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    missing_papers = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    return_method = serializers.CharField()
    timeline = TimelineOutput(many=True)
    results = ResultOutput(many=True, help_text="Kết quả điện tử (tải về trên trang tra cứu)")
    postal_tracking = serializers.CharField(help_text="Mã bưu gửi của kết quả trả qua bưu chính")
    delivered_at = serializers.DateTimeField(allow_null=True, help_text="Ngày người nhận ký nhận bưu gửi")


class LookupApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="Tra cứu một hồ sơ bằng mã hồ sơ và mã tra cứu", request=LookupInput,
                   responses={200: LookupOutput,
                              404: OpenApiResponse(ErrorOutput, description="Sai mã hồ sơ hoặc mã tra cứu"),
                              429: OpenApiResponse(ErrorOutput, description="Tra cứu sai quá nhiều lần")})
    def post(self, request):
        data = LookupInput(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = lookup.dossier_lookup(code=data.validated_data["code"], pin=data.validated_data["pin"],
                                        client=client_address(request))
        if dossier is None:
            raise NotFoundError(lookup.NOT_FOUND)
        return Response(LookupOutput(lookup.public_view(dossier)).data)
