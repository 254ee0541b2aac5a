"""The public feedback API (other systems: the national portal, a hotline's software, kiosks, apps),
no login, the same rules as the pages: send a feedback (a dossier's with its code and PIN), follow it
by its tracking code in a POST body, add information, react to the answer, read the published
answers, and the transparency figures."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.api import ErrorOutput
from dossiers.models import Dossier
from dossiers.public import lookup
from mocua import inputs, ratelimit
from mocua.accounts.models import Agency
from mocua.errors import DomainError, NotFoundError, ThrottledError
from mocua.ratelimit import client_address
from procedures.models import Procedure

from .. import selectors, services, transparency
from ..models import Source, Subject
from ..workflow import Category, Reaction
from . import tracking

TAGS = ["Phản ánh, kiến nghị (công khai)"]
ERRORS = {400: OpenApiResponse(ErrorOutput, description="Dữ liệu không hợp lệ; `fields` nêu trường sai."),
          404: OpenApiResponse(ErrorOutput, description="Sai mã theo dõi (hoặc sai mã hồ sơ, mã tra cứu)."),
          429: OpenApiResponse(ErrorOutput, description="Gửi hoặc tra cứu quá nhiều lần.")}


class PublicApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class SendInput(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    dossier_code = serializers.CharField(required=False, allow_blank=True, max_length=60)
    dossier_pin = serializers.CharField(required=False, allow_blank=True, max_length=20)
    procedure = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="mã thủ tục")
    agency = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                   help_text="mã định danh điện tử của cơ quan")
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=5000)
    attachment = serializers.FileField(required=False, help_text="PDF, JPEG hoặc PNG (multipart/form-data)")
    sender_name = serializers.CharField(max_length=150)
    sender_phone = serializers.CharField(required=False, allow_blank=True, max_length=15, default="")
    sender_email = serializers.EmailField(required=False, allow_blank=True, default="")
    sender_address = serializers.CharField(max_length=255)

    class Meta:
        ref_name = "FeedbackSendInput"


class SentOutput(serializers.Serializer):
    code = serializers.CharField(help_text="Mã theo dõi: chỉ người gửi giữ, dùng để tra cứu")
    status = serializers.CharField()
    agency = serializers.CharField()
    received_at = serializers.DateTimeField()
    answer_due_at = serializers.DateTimeField()


class EventOutput(serializers.Serializer):
    label = serializers.CharField()
    at = serializers.DateTimeField()


class TrackOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    content = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    agency = serializers.CharField()
    subject = serializers.CharField()
    procedure = serializers.CharField()
    sender = serializers.CharField(help_text="Tên người gửi đã che")
    received_at = serializers.DateTimeField()
    answer_due_at = serializers.DateTimeField(allow_null=True)
    clock_stopped = serializers.BooleanField()
    info_question = serializers.CharField()
    reason = serializers.CharField()
    forwarded_to = serializers.CharField()
    forwarded_code = serializers.CharField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    can_reply = serializers.BooleanField()
    can_react = serializers.BooleanField()
    reaction = serializers.CharField()
    events = EventOutput(many=True)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=24)

    class Meta:
        ref_name = "FeedbackTrackInput"


class ReplyInput(CodeInput):
    reply = serializers.CharField(max_length=5000)

    class Meta:
        ref_name = "FeedbackCitizenReplyInput"


class ReactInput(CodeInput):
    reaction = serializers.ChoiceField(choices=Reaction.choices)

    class Meta:
        ref_name = "FeedbackReactInput"


def _by_code(model, code: str, field: str, message: str):
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise DomainError(message, field=field)
    return found


class FeedbackSendApi(PublicApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="Gửi phản ánh, kiến nghị (về một hồ sơ cần mã hồ sơ và mã tra cứu)", tags=TAGS,
                   request={"application/json": SendInput, "multipart/form-data": SendInput},
                   responses={201: SentOutput, **ERRORS})
    def post(self, request):
        data = SendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values, client = data.validated_data, client_address(request)
        if not ratelimit.take(f"feedback-send:ip:{client}", limit=settings.FEEDBACK_PER_HOUR, window=3600):
            raise ThrottledError(lookup.THROTTLED)
        dossier = None
        if values["subject"] == Subject.DOSSIER and values.get("dossier_code"):
            found = lookup.dossier_lookup(code=values["dossier_code"], pin=values.get("dossier_pin", ""),
                                          client=client)
            if found is None:
                raise NotFoundError(lookup.NOT_FOUND)
            dossier = Dossier.objects.select_related("agency", "procedure").get(pk=found.pk)
        item = services.feedback_send(
            subject=values["subject"], title=values["title"], content=values["content"],
            sender=services.Sender(values["sender_name"], values["sender_phone"], values["sender_email"],
                                   values["sender_address"]),
            agency=_by_code(Agency, values.get("agency"), "agency", "Không có cơ quan này."),
            procedure=_by_code(Procedure, values.get("procedure"), "procedure", "Không có thủ tục này."),
            dossier=dossier, upload=values.get("attachment"), source=Source.API)
        return Response(SentOutput({"code": item.code, "status": item.status, "agency": item.agency.name,
                                    "received_at": item.received_at, "answer_due_at": item.answer_due_at}).data,
                        status=status.HTTP_201_CREATED)


def _tracked(request, code: str):
    item = tracking.feedback_track(code=code, client=client_address(request))
    if item is None:
        raise NotFoundError(tracking.NOT_FOUND)
    return item


class FeedbackTrackApi(PublicApi):
    @extend_schema(summary="Tra cứu phản ánh, kiến nghị bằng mã theo dõi", tags=TAGS, request=CodeInput,
                   responses={200: TrackOutput, **ERRORS})
    def post(self, request):
        data = CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(TrackOutput(tracking.public_view(_tracked(request, data.validated_data["code"]))).data)


class FeedbackReplyApi(PublicApi):
    @extend_schema(summary="Công dân bổ sung thông tin được đề nghị", tags=TAGS, request=ReplyInput,
                   responses={200: TrackOutput, **ERRORS})
    def post(self, request):
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.feedback_receive_info(item=_tracked(request, data.validated_data["code"]),
                                              reply=data.validated_data["reply"])
        return Response(TrackOutput(tracking.public_view(selectors.feedback_by_code(item.code))).data)


class FeedbackReactApi(PublicApi):
    @extend_schema(summary="Công dân đánh giá kết quả trả lời (một lần)", tags=TAGS, request=ReactInput,
                   responses={200: TrackOutput, **ERRORS})
    def post(self, request):
        data = ReactInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.feedback_react(item=_tracked(request, data.validated_data["code"]),
                                       reaction=data.validated_data["reaction"])
        return Response(TrackOutput(tracking.public_view(selectors.feedback_by_code(item.code))).data)


class PublishedOutput(serializers.Serializer):
    agency = serializers.CharField(source="agency.name")
    procedure = serializers.CharField(source="procedure.code", allow_null=True, default=None)
    category = serializers.ChoiceField(choices=Category.choices)
    question = serializers.CharField(source="public_question")
    answer = serializers.CharField(source="public_answer")
    published_at = serializers.DateTimeField()


class PublishedQueryInput(serializers.Serializer):
    procedure = inputs.Text(required=False, max_length=30, validators=[inputs.catalogue_code], help_text="mã thủ tục")
    agency = inputs.Id(required=False, help_text="id cơ quan")

    class Meta:
        ref_name = "FeedbackPublishedQuery"


class FeedbackPublishedApi(PublicApi):
    @extend_schema(summary="Kết quả trả lời phản ánh, kiến nghị đã công khai (đã ẩn thông tin cá nhân)", tags=TAGS,
                   parameters=[PublishedQueryInput], responses={200: PublishedOutput(many=True)})
    def get(self, request):
        query = PublishedQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        procedure, agency = query.validated_data.get("procedure", ""), query.validated_data.get("agency")
        procedure_id = Procedure.objects.filter(code=procedure).values_list("pk", flat=True).first()
        items = selectors.published_list(agency_id=agency, procedure_id=procedure_id if procedure else None)
        if procedure and procedure_id is None:
            items = items.none()
        return Response(PublishedOutput(items[:100], many=True).data)


class IndicatorOutput(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    rate = serializers.FloatField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    max_points = serializers.IntegerField()

    class Meta:
        ref_name = "TransparencyIndicator"


class UnitFiguresOutput(serializers.Serializer):
    agency = serializers.IntegerField(allow_null=True, help_text="id cơ quan; null ở dòng tổng")
    name = serializers.CharField()
    depth = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()
    resolved_late = serializers.IntegerField()
    rated = serializers.IntegerField()
    rated_good = serializers.IntegerField()
    feedback_received = serializers.IntegerField()
    feedback_handled = serializers.IntegerField()
    feedback_late = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True, help_text="giải quyết đúng hạn / đã giải quyết (%)")
    online_rate = serializers.FloatField(allow_null=True)
    digitised_rate = serializers.FloatField(allow_null=True)
    postal_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    feedback_on_time_rate = serializers.FloatField(allow_null=True)
    indicators = IndicatorOutput(many=True)
    points = serializers.FloatField()
    max_points = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="điểm 766 tính được, quy về thang 100")


class MonthFiguresOutput(serializers.Serializer):
    month = serializers.CharField(help_text="MM/YYYY")
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()


class TransparencyOutput(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField(allow_null=True)
    agency = serializers.IntegerField(allow_null=True)
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    units = UnitFiguresOutput(many=True)
    total = UnitFiguresOutput()
    months = MonthFiguresOutput(many=True)
    built_at = serializers.DateTimeField()


class TransparencyApi(PublicApi):
    @extend_schema(summary="Số liệu công khai theo đơn vị và theo tháng (không có dữ liệu cá nhân)",
                   tags=["Công khai"],
                   parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int,
                                                                               description="1–12; 0: cả năm"),
                               OpenApiParameter("agency", int, description="id đơn vị cho biểu đồ theo tháng")],
                   responses={200: TransparencyOutput})
    def get(self, request):
        params = request.query_params
        year, month, agency = transparency.choose(params.get("year"), params.get("month"), params.get("agency"))
        return Response(TransparencyOutput(transparency.scoreboard(year=year, month=month, agency_id=agency)).data)
