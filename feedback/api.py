"""Staff REST API for feedback: /api/v1/feedback/items/ (the unit's list), /<id>/ (one item) and one
POST endpoint per move, /<id>/<move>/.

Thin, as dossiers.api: access through a selector (another unit's item is a 404), input through an
InputSerializer, one service call, the item back through an OutputSerializer. The services' errors
become 400 / 403 / 409 with a `code` (mocua.api.exception_handler).
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.api import ErrorOutput
from mocua.accounts.models import Agency, User
from mocua.accounts.roles import HasRole
from mocua.paging import CappedPagination
from mocua.serializers import OutputSerializer

from . import selectors, services
from .models import Feedback, FeedbackEvent
from .workflow import CLASSES, Status

TAGS = ["Phản ánh, kiến nghị"]
MOVE_RESPONSES = {
    400: OpenApiResponse(ErrorOutput, description="Dữ liệu không hợp lệ hoặc vi phạm quy tắc; `fields` nêu trường."),
    403: OpenApiResponse(ErrorOutput, description="Không có quyền với thao tác này."),
    404: OpenApiResponse(ErrorOutput, description="Không có phản ánh này trong đơn vị."),
    409: OpenApiResponse(ErrorOutput, description="Không thực hiện được ở trạng thái hiện tại (invalid_transition, "
                                                   "request_info_once) hoặc trang đã cũ (stale_version)."),
}


class FeedbackListOutput(OutputSerializer):
    procedure_code = serializers.CharField(source="procedure.code", allow_null=True, default=None)
    dossier_code = serializers.CharField(source="dossier.code", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.display_name", allow_null=True, default=None)

    class Meta:
        model = Feedback
        fields = ["id", "code", "title", "subject", "status", "category", "received_at", "classify_due_at",
                  "answer_due_at", "publish_due_at", "late", "procedure_code", "dossier_code", "assignee"]


class FeedbackEventOutput(OutputSerializer):
    actor = serializers.CharField(source="actor.display_name", allow_null=True, default=None)

    class Meta:
        model = FeedbackEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "note"]


class FeedbackDetailOutput(FeedbackListOutput):
    agency = serializers.CharField(source="agency.name")
    events = FeedbackEventOutput(many=True)

    class Meta(FeedbackListOutput.Meta):
        fields = [*FeedbackListOutput.Meta.fields, "agency", "source", "content", "sender_name", "sender_phone",
                  "sender_email", "sender_address", "refuse_due_at", "info_due_at", "paused_at", "info_question",
                  "info_reply", "answer", "answered_at", "public_question", "public_answer", "published_at",
                  "reason", "forwarded_to_body", "reaction", "version", "events"]


class FeedbackListApi(APIView):
    permission_classes = [HasRole]
    pagination_class = CappedPagination

    @extend_schema(summary="Phản ánh, kiến nghị của đơn vị", tags=TAGS,
                   parameters=[OpenApiParameter("show", str, description="open (mặc định), handled, hoặc một trạng "
                                                "thái: " + ", ".join(Status.values)),
                               OpenApiParameter("mine", bool), OpenApiParameter("late", bool)],
                   responses={200: FeedbackListOutput(many=True)})
    def get(self, request):
        items = selectors.feedback_list_for_officer(
            user=request.user, show=request.query_params.get("show", "open"),
            mine=request.query_params.get("mine") in ("1", "true"), late=request.query_params.get("late") in ("1",
                                                                                                          "true"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(FeedbackListOutput(page, many=True).data)


def _detail(request, pk: int) -> Response:
    return Response(FeedbackDetailOutput(selectors.feedback_get_for_officer(user=request.user, pk=pk)).data)


class FeedbackDetailApi(APIView):
    permission_classes = [HasRole]

    @extend_schema(summary="Một phản ánh, kiến nghị với nhật ký xử lý", tags=TAGS,
                   responses={200: FeedbackDetailOutput, 404: MOVE_RESPONSES[404]})
    def get(self, request, pk: int):
        return _detail(request, pk)


class FeedbackMoveInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="Phiên bản đã đọc; khác phiên bản hiện tại thì trả 409")


class FeedbackMoveApi(APIView):
    """One move: the subclass names its input, its service (a staticmethod) and its schema."""

    permission_classes = [HasRole]
    InputSerializer = FeedbackMoveInput

    def post(self, request, pk: int):
        item = selectors.feedback_row_for_officer(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        arguments = self.arguments(dict(data.validated_data))
        version = arguments.pop("version", None)
        self.service(item=item, actor=request.user, expected_version=version, **arguments)
        return _detail(request, pk)

    def arguments(self, data: dict) -> dict:
        return data


def _schema(summary: str, request):
    return extend_schema(summary=summary, tags=TAGS, request=request,
                         responses={200: FeedbackDetailOutput, **MOVE_RESPONSES})


def _get_or_400(model, pk, field: str, message: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


class FeedbackAssignInput(FeedbackMoveInput):
    to_user = serializers.IntegerField(help_text="id cán bộ của đơn vị")


class FeedbackAssignApi(FeedbackMoveApi):
    InputSerializer = FeedbackAssignInput
    service = staticmethod(services.feedback_assign)

    def arguments(self, data: dict) -> dict:
        # Any officer is looked up: the service refuses one of another unit with its own message.
        return {**data, "to_user": _get_or_400(User, data["to_user"], "to_user", "Không có cán bộ này.")}

    @_schema("Giao cán bộ xử lý", FeedbackAssignInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackClassifyInput(FeedbackMoveInput):
    category = serializers.ChoiceField(choices=CLASSES)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class FeedbackClassifyApi(FeedbackMoveApi):
    InputSerializer = FeedbackClassifyInput
    service = staticmethod(services.feedback_classify)

    @_schema("Phân loại và thụ lý (quy định, thủ tục hoặc hành vi của cán bộ)", FeedbackClassifyInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackForwardInput(FeedbackMoveInput):
    to_agency = serializers.IntegerField(required=False, allow_null=True, help_text="id cơ quan trên hệ thống")
    to_body = serializers.CharField(required=False, allow_blank=True, default="", max_length=255,
                                    help_text="tên cơ quan ngoài hệ thống")
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class FeedbackForwardApi(FeedbackMoveApi):
    InputSerializer = FeedbackForwardInput
    service = staticmethod(services.feedback_forward)

    def arguments(self, data: dict) -> dict:
        return {**data, "to_agency": _get_or_400(Agency, data.get("to_agency"), "to_agency", "Không có cơ quan này.")}

    @_schema("Chuyển cơ quan có thẩm quyền (trong 5 ngày làm việc)", FeedbackForwardInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackReasonInput(FeedbackMoveInput):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class FeedbackRefuseApi(FeedbackMoveApi):
    InputSerializer = FeedbackReasonInput
    service = staticmethod(services.feedback_refuse)

    @_schema("Từ chối tiếp nhận (trong 2 ngày làm việc)", FeedbackReasonInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackQuestionInput(FeedbackMoveInput):
    question = serializers.CharField(max_length=2000, allow_blank=True)


class FeedbackRequestInfoApi(FeedbackMoveApi):
    InputSerializer = FeedbackQuestionInput
    service = staticmethod(services.feedback_request_info)

    @_schema("Đề nghị công dân bổ sung thông tin (một lần; tạm dừng thời hạn trả lời)", FeedbackQuestionInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackReplyInput(FeedbackMoveInput):
    reply = serializers.CharField(max_length=5000, allow_blank=True)


class FeedbackReceiveInfoApi(FeedbackMoveApi):
    InputSerializer = FeedbackReplyInput
    service = staticmethod(services.feedback_receive_info)

    @_schema("Ghi nhận thông tin công dân đã bổ sung (thời hạn trả lời tính tiếp)", FeedbackReplyInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackAnswerInput(FeedbackMoveInput):
    answer = serializers.CharField(max_length=5000, allow_blank=True)


class FeedbackAnswerApi(FeedbackMoveApi):
    InputSerializer = FeedbackAnswerInput
    service = staticmethod(services.feedback_answer)

    @_schema("Trả lời công dân (trong 15 ngày làm việc)", FeedbackAnswerInput)
    def post(self, request, pk: int):
        return super().post(request, pk)


class FeedbackPublishInput(FeedbackMoveInput):
    public_question = serializers.CharField(max_length=5000, allow_blank=True)
    public_answer = serializers.CharField(max_length=5000, allow_blank=True)


class FeedbackPublishApi(FeedbackMoveApi):
    InputSerializer = FeedbackPublishInput
    service = staticmethod(services.feedback_publish)

    @_schema("Công khai kết quả trả lời, đã ẩn thông tin cá nhân (trong 2 ngày làm việc)", FeedbackPublishInput)
    def post(self, request, pk: int):
        return super().post(request, pk)
