"""Staff REST API for dossiers: /api/v1/dossiers/ (list, counter intake), /<code>/ (detail)
and one POST endpoint per move, /<code>/<move>/.

Thin, like the HTML views: access through a selector (another agency's dossier is a 404),
input shape through an InputSerializer, one service call, the dossier back through an
OutputSerializer. The services decide what may happen; mocua.api.exception_handler turns
their errors into 400 (broken rule, with `fields`; Mẫu 04's apology_too_late and
apology_not_office_time), 403 (no right) and 409 (illegal move, supplement_once, reschedule_once,
stale_version).
"""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from mocua import inputs
from mocua.accounts.models import Agency, Department, User
from mocua.accounts.roles import HasRole
from mocua.api import ErrorOutput
from mocua.paging import CappedPagination
from mocua.serializers import OutputSerializer
from procedures import catalogue
from procedures.models import Channel, PaperForm, ProcedureVariant

from . import agencies, apology, permissions, refusals, results, selectors, services, transfers
from .models import (
    ApplicantKind,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierFee,
    DossierLeg,
    DossierStep,
    ResultFile,
    ReturnMethod,
    TransferMode,
    TransferState,
)
from .validators import MAX_FEES, MAX_MISSING_PAPERS, MAX_NOTE, MAX_PAPER_NAME, MAX_PAPERS, MAX_REASON
from .workflow import Status

TAGS = ["Hồ sơ"]

# --------------------------------------------------------------------------- choice fields
# `channel` and `kind` name different choice sets across the API (Fee.channel has "all", a paper's
# kind is not a fee's kind). Each set below is published as its own named enum so that the schema
# does not fall back to hashed names like "Channel348Enum".


class _ChoiceSetField(serializers.ChoiceField):
    choice_set: list = []

    def __init__(self, **kwargs):
        super().__init__(choices=self.choice_set, **kwargs)


@extend_schema_field(serializers.ChoiceField(choices=Channel.choices), component_name="DossierChannelEnum")
class ChannelField(_ChoiceSetField):
    choice_set = Channel.choices


INTAKE_CHANNELS = [(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)]


@extend_schema_field(serializers.ChoiceField(choices=INTAKE_CHANNELS), component_name="IntakeChannelEnum")
class IntakeChannelField(_ChoiceSetField):
    """Counter intake: handed in at the counter or by public post (online ones come from the portal)."""

    choice_set = INTAKE_CHANNELS


@extend_schema_field(serializers.ChoiceField(choices=DossierDocument.Kind.choices),
                     component_name="DossierDocumentKindEnum")
class DocumentKindField(_ChoiceSetField):
    choice_set = DossierDocument.Kind.choices


@extend_schema_field(serializers.ChoiceField(choices=ApplicantKind.choices), component_name="OwnerKindEnum")
class OwnerKindField(_ChoiceSetField):
    choice_set = ApplicantKind.choices


# --------------------------------------------------------------------------- output


class DossierListOutput(OutputSerializer):
    status_label = serializers.CharField(source="get_status_display")
    portal_status = serializers.IntegerField(help_text="Mã trạng thái của Cổng DVC quốc gia (1–10).")
    channel = ChannelField(read_only=True)
    procedure_code = serializers.CharField(source="procedure.code")
    holder_name = serializers.CharField(source="holder.display_name", allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True)

    class Meta:
        model = Dossier
        fields = ["code", "status", "status_label", "portal_status", "channel", "procedure_code", "procedure_name",
                  "variant_name", "applicant_name", "received_at", "due_at", "step_due_at", "finished_at",
                  "timeliness", "holder_name", "department_name", "version"]


class DossierDocumentOutput(OutputSerializer):
    kind = DocumentKindField(read_only=True)

    class Meta:
        model = DossierDocument
        fields = ["id", "kind", "order", "name", "form", "quantity", "mandatory", "provided", "digitisation",
                  "content_type", "added_at"]


class DossierFeeOutput(OutputSerializer):
    class Meta:
        model = DossierFee
        fields = ["kind", "name", "amount", "unit", "collected"]


class DossierStepOutput(OutputSerializer):
    from_name = serializers.CharField(source="from_user.display_name", allow_null=True)
    to_name = serializers.CharField(source="to_user.display_name", allow_null=True)
    intended_name = serializers.CharField(source="intended_user.display_name", allow_null=True,
                                          help_text="Cán bộ được chuyển đến khi người khác nhận thay (vắng mặt).")
    to_department_name = serializers.CharField(source="to_department.name", allow_null=True)

    class Meta:
        model = DossierStep
        fields = ["step_index", "step_name", "from_name", "to_name", "intended_name", "to_department_name",
                  "started_at", "due_at", "finished_at", "timeliness", "late_seconds", "note"]


class DossierLegOutput(OutputSerializer):
    """A liên thông leg (dossiers.legs): the agency's part, its due time and timeliness, and the national
    liên thông software's reference and sync state (Decree 63/2024 groups)."""

    agency_code = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    stage = serializers.IntegerField(source="order", help_text="Giai đoạn: các phần việc cùng giai đoạn chạy song "
                                                               "song (bằng `order`).")

    class Meta:
        model = DossierLeg
        fields = ["order", "stage", "parallel", "name", "agency_code", "agency_name", "days", "started_at", "due_at",
                  "finished_at", "timeliness", "late_seconds", "national_ref", "sync_state"]


class DossierEventOutput(OutputSerializer):
    actor_name = serializers.CharField(source="actor.display_name", allow_null=True)

    class Meta:
        model = DossierEvent
        fields = ["action", "from_status", "to_status", "actor_name", "at", "note"]


class ResultFileOutput(OutputSerializer):
    """An electronic result and the verdict on its digital signature (issue 24)."""

    verdict_label = serializers.CharField(source="get_verdict_display")

    class Meta:
        model = ResultFile
        fields = ["code", "number", "name", "verdict", "verdict_label", "signer", "signer_organisation", "signed_at",
                  "sha256", "added_at", "downloads", "file_removed_at"]


@extend_schema_field(serializers.ChoiceField(choices=TransferMode.choices), component_name="TransferModeEnum")
class TransferModeField(_ChoiceSetField):
    choice_set = TransferMode.choices


TRANSFER_STATES = [("", "Tiếp nhận và giải quyết tại cùng cơ quan"), *TransferState.choices]


@extend_schema_field(serializers.ChoiceField(choices=TRANSFER_STATES), component_name="TransferStateEnum")
class TransferStateField(_ChoiceSetField):
    choice_set = TRANSFER_STATES


class DossierDetailOutput(DossierListOutput):
    """Everything the dossier page shows. The view passes `allowed_actions` and
    `receipt_url` in the context, so that this serializer neither queries nor decides."""

    agency_code = serializers.CharField(source="agency.code", help_text="Cơ quan có thẩm quyền giải quyết.")
    desk_code = serializers.CharField(source="desk.code", allow_null=True,
                                      help_text="Nơi tiếp nhận (bộ phận một cửa), nơi trả kết quả.")
    transfer_state = TransferStateField(read_only=True, help_text="Hồ sơ tiếp nhận hộ cơ quan khác đang ở đâu.")
    leg_agency_code = serializers.CharField(
        source="leg_agency.code", allow_null=True,
        help_text="Cơ quan phối hợp (liên thông) đang giữ hồ sơ một mình, nếu có; null khi hồ sơ ở cơ quan chủ trì "
                  "và khi nhiều cơ quan cùng giải quyết song song (xem leg_agency_codes).")
    leg_agency_codes = serializers.SerializerMethodField(
        help_text="Mọi cơ quan phối hợp đang giữ hồ sơ: cơ quan của phần việc đang chạy, hoặc các cơ quan của giai "
                  "đoạn song song chưa gửi lại phần việc; rỗng khi hồ sơ ở cơ quan chủ trì.")
    legs = DossierLegOutput(many=True, help_text="Các phần việc liên thông, theo thứ tự.")

    papers = DossierDocumentOutput(source="documents", many=True)
    fees = DossierFeeOutput(many=True)
    steps = DossierStepOutput(many=True)
    events = DossierEventOutput(many=True)
    results = ResultFileOutput(many=True, help_text="Kết quả điện tử có chữ ký số, mã {mã hồ sơ}-KQ{n}.")
    allowed_actions = serializers.SerializerMethodField(
        help_text="Các thao tác người dùng hiện tại được làm với hồ sơ (hand_over, request_supplement, "
                  "receive_supplement, request_payment, receive_payment, approve, refuse, return, withdraw, stop, "
                  "reschedule …).")
    receipt_url = serializers.SerializerMethodField(help_text="Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01), PDF.")

    class Meta(DossierListOutput.Meta):
        fields = DossierListOutput.Meta.fields + [
            "variant_id", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
            "owner_kind", "owner_name", "owner_id_number", "owner_tax_code", "owner_representative", "owner_address",
            "sets", "return_method", "return_address", "note", "intake_tracking", "handover_signed_at",
            "postmark_date", "time_limit", "time_unit", "legal_due_at",
            "rescheduled_at", "paused_at", "returned_at", "refusal_handed_at", "step_index", "reason", "missing_papers",
            "supplement_requests", "result_summary", "collected_by", "collected_id_number", "postal_tracking",
            "papers", "fees", "steps", "events", "results", "allowed_actions", "receipt_url",
            "agency_code", "desk_code", "transfer_state", "leg_agency_code", "leg_agency_codes", "leg_stage", "legs",
        ]

    def get_leg_agency_codes(self, dossier) -> list[str]:
        # From the page's prefetched legs (selectors.dossier_get_for_officer): no query here.
        if dossier.leg_stage:
            return [leg.agency.code for leg in dossier.legs.all()
                    if leg.order == dossier.leg_stage and leg.finished_at is None]
        return [dossier.leg_agency.code] if dossier.leg_agency_id else []

    def get_allowed_actions(self, dossier) -> list[str]:
        return self.context["allowed_actions"]

    def get_receipt_url(self, dossier) -> str | None:
        return self.context.get("receipt_url")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("receipt_url") is None:
            data.pop("receipt_url", None)
        return data


class DossierReceiptOutput(DossierDetailOutput):
    """The intake answer: the detail plus the PIN printed on the receipt for the public lookup.
    Given once, here and on the receipt: at rest the PIN is a hash (dossiers.pins)."""

    pin = serializers.CharField(source="new_pin", read_only=True,
                                help_text="Mã tra cứu (PIN) in trên giấy tiếp nhận; chỉ trả về một lần, khi tiếp nhận.")

    class Meta(DossierDetailOutput.Meta):
        fields = DossierDetailOutput.Meta.fields + ["pin"]


def _receipt_url(request, dossier: Dossier) -> str | None:
    if dossier.received_at is None:
        return None
    try:
        return request.build_absolute_uri(reverse("dossiers:receipt", args=[dossier.code]))
    except NoReverseMatch:  # the staff pages are not mounted in this deployment
        return None


def _detail(request, code: str, output=DossierDetailOutput, status_code: int = status.HTTP_200_OK) -> Response:
    """Re-read the dossier through the officer's selector (timeline prefetched) and render it."""
    return _render(request, selectors.dossier_get_for_officer(user=request.user, code=code), output, status_code)


def _render(request, dossier: Dossier, output, status_code: int) -> Response:
    context = {"request": request, "allowed_actions": permissions.allowed_actions(request.user, dossier),
               "receipt_url": _receipt_url(request, dossier)}
    return Response(output(dossier, context=context).data, status=status_code)


ERRORS = {
    400: OpenApiResponse(ErrorOutput, description="Dữ liệu không hợp lệ; `fields` nêu trường sai."),
    403: OpenApiResponse(ErrorOutput, description="Không có quyền thực hiện thao tác."),
    404: OpenApiResponse(ErrorOutput, description="Không có hồ sơ này trong cơ quan của bạn."),
    409: OpenApiResponse(ErrorOutput, description="Thao tác không hợp lệ ở trạng thái hiện tại, hoặc hồ sơ "
                                                  "vừa được người khác cập nhật (stale_version)."),
}

# --------------------------------------------------------------------------- list and intake


class DossierListApi(APIView):
    permission_classes = [HasRole]
    pagination_class = CappedPagination  # PAGE_SIZE (20) from settings; counts at most 1,000

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Status.choices, required=False, help_text="Trạng thái")
        procedure = inputs.Text(required=False, max_length=30, validators=[inputs.catalogue_code],
                                help_text="Mã thủ tục")
        field = inputs.Text(required=False, max_length=30, validators=[inputs.catalogue_code],
                            help_text="Mã lĩnh vực")
        holder = inputs.Id(required=False, min_value=1, help_text="id cán bộ đang giữ hồ sơ")
        channel = ChannelField(required=False, help_text="Kênh nộp")
        q = inputs.Text(required=False, max_length=inputs.MAX_QUERY,
                                  help_text="Mã hồ sơ, tên (không phân biệt dấu), điện thoại, số định danh")
        late = serializers.BooleanField(required=False, default=False, help_text="Chỉ hồ sơ quá hạn")
        words = serializers.BooleanField(
            required=False, default=False,
            help_text="Tìm `q` theo từng từ ở mọi hồ sơ. Mặc định, một họ tên đầy đủ (2–6 từ chỉ gồm chữ cái) "
                      "hoặc một số điện thoại đầy đủ chỉ tìm hồ sơ của người nộp có đúng họ tên, số điện thoại "
                      "đó, nếu cơ quan có hồ sơ như vậy.")

        class Meta:
            ref_name = "DossierListFilter"

    @extend_schema(summary="Danh sách hồ sơ của cơ quan", tags=TAGS, parameters=[FilterSerializer],
                   description="Hồ sơ của cơ quan người dùng, mới tiếp nhận trước, 20 hồ sơ một trang.",
                   responses={200: DossierListOutput(many=True), 400: ERRORS[400]})
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        query = data.get("q", "")
        whole = not data["words"] and bool(selectors.dossier_whole_search(user=request.user, query=query))
        dossiers = selectors.dossier_list_for_agency(
            user=request.user, query=query, status=data.get("status", ""),
            procedure=data.get("procedure", ""), field=data.get("field", ""), holder=str(data.get("holder", "")),
            channel=data.get("channel", ""), late=data["late"], whole=whole,
        ).select_related("procedure")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(dossiers, request, view=self)
        return paginator.get_paginated_response(DossierListOutput(page, many=True).data)


class ApplicantInput(serializers.Serializer):
    # Lengths are generous on purpose: the service checks ID numbers and phones and names the field.
    name = inputs.Text(max_length=150)
    id_number = inputs.Text(max_length=20, required=False, allow_blank=True, default="")
    phone = inputs.Text(max_length=20, required=False, allow_blank=True, default="")
    email = inputs.Email(required=False, allow_blank=True, default="")
    address = inputs.Text(max_length=255, required=False, allow_blank=True, default="")


class OwnerInput(serializers.Serializer):
    kind = OwnerKindField(default=ApplicantKind.PERSON)
    name = inputs.Text(max_length=255, required=False, allow_blank=True, default="")
    id_number = inputs.Text(max_length=20, required=False, allow_blank=True, default="")
    tax_code = inputs.Text(max_length=20, required=False, allow_blank=True, default="")
    representative = inputs.Text(max_length=150, required=False, allow_blank=True, default="")
    address = inputs.Text(max_length=255, required=False, allow_blank=True, default="")


class PaperInput(serializers.Serializer):
    name = inputs.Text(max_length=MAX_PAPER_NAME)
    form = serializers.ChoiceField(choices=PaperForm.choices, default=PaperForm.ORIGINAL)
    quantity = inputs.Integer(min_value=1, max_value=999, default=1)
    mandatory = serializers.BooleanField(default=True)
    provided = serializers.BooleanField(default=True)
    digitisation = serializers.ChoiceField(choices=DossierDocument.Digitisation.choices,
                                           default=DossierDocument.Digitisation.NONE)


class FeeCollectedInput(serializers.Serializer):
    fee = inputs.Id(help_text="id của khoản phí, lệ phí của trường hợp thủ tục")
    amount = inputs.Integer(min_value=0, max_value=10**12, help_text="Số tiền đã thu (đồng)")


def _intake_variant(user, pk: int) -> ProcedureVariant:
    """A variant of an active procedure the officer's agency handles, as the intake page offers: one the
    catalogue names the desk's own agency for, else any procedure of its province (one query,
    agencies.receivable_procedures). Read from the process's copy of the catalogue (catalogue.intake_variant)."""
    found = catalogue.intake_variant(pk)
    if found is not None and (user.agency_id in found.agency_ids or agencies.receivable_procedures(user.agency_id)
                              .filter(pk=found.variant.procedure_id).exists()):
        return found.variant
    raise ValidationError({"variant": ["Cơ quan của bạn không tiếp nhận trường hợp thủ tục này."]})


class DossierReceiveApi(APIView):
    permission_classes = [HasRole]

    class InputSerializer(serializers.Serializer):
        variant = inputs.Id(help_text="id của trường hợp thủ tục (ProcedureVariant)")
        channel = IntakeChannelField(default=Channel.COUNTER)
        applicant = ApplicantInput()
        owner = OwnerInput(required=False, help_text="Chủ hồ sơ, khi khác người nộp")
        papers = PaperInput(many=True, required=False, max_length=MAX_PAPERS,
                            help_text="Mặc định: các thành phần hồ sơ của trường hợp, đều đã nộp")
        fees_collected = FeeCollectedInput(many=True, required=False, max_length=MAX_FEES,
                                           help_text="Mặc định: chưa thu khoản nào")
        return_method = serializers.ChoiceField(choices=ReturnMethod.choices, default=ReturnMethod.COUNTER)
        return_address = inputs.Text(max_length=255, required=False, allow_blank=True, default="")
        intake_tracking = inputs.Text(max_length=40, required=False, allow_blank=True, default="",
                                      help_text="Nộp qua bưu chính: số hiệu phiếu gửi")
        handover_signed_at = inputs.DateTime(required=False, allow_null=True, default=None,
                                             help_text="Nộp qua bưu chính: lúc ký biên bản giao nhận với bưu điện")
        postmark_date = inputs.Date(required=False, allow_null=True, default=None,
                                    help_text="Nộp qua bưu chính: ngày dấu bưu điện")
        sets = inputs.Integer(min_value=1, max_value=50, default=1)
        note = inputs.Text(required=False, allow_blank=True, default="", max_length=MAX_REASON, multiline=True)
        competent_agency = inputs.Id(required=False, allow_null=True, default=None,
                                     help_text="id cơ quan có thẩm quyền giải quyết, chỉ khi danh mục nêu nhiều cơ "
                                               "quan (400 competent_agency_required nếu thiếu)")

        class Meta:
            ref_name = "DossierReceiveInput"

    @extend_schema(summary="Tiếp nhận hồ sơ tại Bộ phận Một cửa (Mẫu 01)", tags=TAGS, request=InputSerializer,
                   description="Tiếp nhận hồ sơ đủ giấy tờ: cấp mã hồ sơ, mã tra cứu (PIN), hẹn trả kết quả.",
                   responses={201: DossierReceiptOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intake = self._intake(request.user, serializer.validated_data)
        dossier = services.dossier_receive(actor=request.user, intake=intake)
        # The service hands back what it wrote, papers to event: no need to read it again.
        return _render(request, dossier, DossierReceiptOutput, status.HTTP_201_CREATED)

    @staticmethod
    def _intake(user, data: dict) -> services.Intake:
        """The validated body as the service's input; ids resolved within the officer's agency."""
        variant = _intake_variant(user, data["variant"])
        owner = {f"owner_{key}": value for key, value in data.get("owner", {}).items()}
        applicant = services.Applicant(**data["applicant"], **owner)
        if "papers" in data:
            papers = [services.Paper(**paper) for paper in data["papers"]]
        else:
            papers = [services.Paper(name=d.name, form=d.form, quantity=d.quantity, mandatory=d.mandatory)
                      for d in variant.documents.all()]
        fees = {line["fee"]: line["amount"] for line in data.get("fees_collected", [])}
        if not set(fees) <= {fee.pk for fee in variant.fees.all()}:
            raise ValidationError({"fees_collected": ["Khoản thu không thuộc trường hợp thủ tục này."]})
        return services.Intake(variant=variant, applicant=applicant, papers=papers, channel=data["channel"],
                               fees_collected=fees, return_method=data["return_method"],
                               return_address=data["return_address"], sets=data["sets"], note=data["note"],
                               intake_tracking=data["intake_tracking"], handover_signed_at=data["handover_signed_at"],
                               postmark_date=data["postmark_date"],
                               competent_agency=_get_or_400(Agency.objects.all(), data["competent_agency"],
                                                            "competent_agency", "Không có cơ quan này."))


class DossierCollectionApi(DossierListApi, DossierReceiveApi):
    """/api/v1/dossiers/: GET lists (DossierListApi), POST receives (DossierReceiveApi).

    One URL carries two operations, so this class only joins the two; each keeps its own code.
    """


# --------------------------------------------------------------------------- one dossier


class DossierDetailApi(APIView):
    permission_classes = [HasRole]

    @extend_schema(summary="Chi tiết hồ sơ: giấy tờ, phí, quá trình xử lý, nhật ký, thao tác được phép",
                   tags=TAGS, responses={200: DossierDetailOutput, 404: ERRORS[404]})
    def get(self, request, code: str):
        return _detail(request, code)


class MoveInput(serializers.Serializer):
    version = inputs.Id(
        required=False, min_value=1,
        help_text="Phiên bản hồ sơ đã đọc; nếu hồ sơ đã đổi từ đó, trả 409 stale_version.")


MOVE_RESPONSES = {200: DossierDetailOutput, **ERRORS}


class DossierMoveApi(APIView):
    """One move: the subclass names its InputSerializer, its service and its schema.

    `service` is called with the dossier, the actor, `expected_version` (from `version`)
    and the validated fields as keyword arguments; the answer is the dossier's detail.
    """

    permission_classes = [HasRole]
    InputSerializer = MoveInput
    service = None

    def move(self, request, code: str) -> Response:
        dossier = selectors.dossier_get_row_for_officer(user=request.user, code=code)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = self.arguments(dict(serializer.validated_data))
        version = arguments.pop("version", None)
        self.service(dossier=dossier, actor=request.user, expected_version=version, **arguments)
        return _detail(request, code)

    def arguments(self, data: dict) -> dict:
        return data


def _schema(summary: str, request):
    return extend_schema(summary=summary, tags=TAGS, request=request, responses=MOVE_RESPONSES)


def _get_or_400(queryset, pk: int | None, field: str, message: str):
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise ValidationError({field: [message]}) from exc


class DossierHandOverApi(DossierMoveApi):
    service = staticmethod(services.dossier_hand_over)

    class InputSerializer(MoveInput):
        to_user = inputs.Id(required=False, allow_null=True, help_text="id cán bộ nhận")
        to_department = inputs.Id(required=False, allow_null=True, help_text="id phòng ban nhận")
        next_step = serializers.BooleanField(
            default=True, help_text="false: chỉ phân công trong cùng bước (giữ hạn của bước)")
        note = inputs.Text(required=False, allow_blank=True, default="", max_length=MAX_NOTE)

        class Meta:
            ref_name = "DossierHandOverInput"

    def arguments(self, data: dict) -> dict:
        # Resolved from every agency on purpose: the service refuses an officer or a department
        # of another agency with its own message (code other_agency).
        data["to_user"] = _get_or_400(User.objects.select_related("department"), data.get("to_user"), "to_user",
                                      "Không có cán bộ này.")
        data["to_department"] = _get_or_400(Department.objects.all(), data.get("to_department"), "to_department",
                                            "Không có phòng ban này.")
        return data

    @_schema("Chuyển xử lý (bước tiếp theo hoặc phân công trong bước)", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierRequestSupplementApi(DossierMoveApi):
    service = staticmethod(services.dossier_request_supplement)

    class InputSerializer(MoveInput):
        missing_papers = serializers.ListField(child=inputs.Text(max_length=MAX_PAPER_NAME, allow_blank=True),
                                               max_length=MAX_MISSING_PAPERS)
        reason = inputs.Text(max_length=MAX_REASON, allow_blank=True, multiline=True)

        class Meta:
            ref_name = "DossierRequestSupplementInput"

    @_schema("Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02), một lần", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class NoteInput(MoveInput):
    note = inputs.Text(required=False, allow_blank=True, default="", max_length=MAX_NOTE)

    class Meta:
        ref_name = "DossierNoteInput"


class ReasonInput(MoveInput):
    reason = inputs.Text(max_length=MAX_REASON, allow_blank=True, multiline=True)

    class Meta:
        ref_name = "DossierReasonInput"


class DossierReceiveSupplementApi(DossierMoveApi):
    service = staticmethod(services.dossier_receive_supplement)
    InputSerializer = NoteInput

    @_schema("Đã nhận giấy tờ bổ sung; tiếp tục tính thời hạn", NoteInput)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierRequestPaymentApi(DossierMoveApi):
    service = staticmethod(services.dossier_request_payment)
    InputSerializer = ReasonInput

    @_schema("Yêu cầu thực hiện nghĩa vụ tài chính; tạm dừng tính thời hạn", ReasonInput)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierReceivePaymentApi(DossierMoveApi):
    service = staticmethod(services.dossier_receive_payment)
    InputSerializer = NoteInput

    @_schema("Đã thực hiện nghĩa vụ tài chính; tiếp tục tính thời hạn", NoteInput)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierApproveApi(DossierMoveApi):
    service = staticmethod(services.dossier_approve)

    class InputSerializer(MoveInput):
        result_summary = inputs.Text(required=False, allow_blank=True, default="", max_length=MAX_NOTE)

        class Meta:
            ref_name = "DossierApproveInput"

    @_schema("Phê duyệt kết quả giải quyết", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierRefuseApi(DossierMoveApi):
    service = staticmethod(services.dossier_refuse)
    InputSerializer = ReasonInput

    @_schema("Từ chối giải quyết sau thẩm định (Mẫu 03)", ReasonInput)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierReturnApi(DossierMoveApi):
    service = staticmethod(services.dossier_return)

    class InputSerializer(MoveInput):
        collected_by = inputs.Text(required=False, allow_blank=True, default="", max_length=150)
        collected_id_number = inputs.Text(required=False, allow_blank=True, default="", max_length=20)
        postal_tracking = inputs.Text(required=False, allow_blank=True, default="", max_length=40)

        class Meta:
            ref_name = "DossierReturnInput"

    @_schema("Trả kết quả cho công dân (tại quầy hoặc qua bưu chính)", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierHandRefusalApi(DossierMoveApi):
    service = staticmethod(refusals.dossier_hand_refusal)
    InputSerializer = DossierReturnApi.InputSerializer

    @_schema("Trao văn bản từ chối giải quyết cho công dân (tại nơi tiếp nhận, hoặc qua bưu chính)",
             DossierReturnApi.InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierWithdrawApi(DossierMoveApi):
    service = staticmethod(services.dossier_withdraw)
    InputSerializer = ReasonInput

    @_schema("Công dân rút hồ sơ", ReasonInput)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierStopApi(DossierMoveApi):
    service = staticmethod(services.dossier_stop)
    InputSerializer = ReasonInput

    @_schema("Dừng giải quyết hồ sơ (Mẫu 05)", ReasonInput)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierRescheduleApi(DossierMoveApi):
    service = staticmethod(apology.dossier_reschedule)

    class InputSerializer(MoveInput):
        new_due_at = inputs.DateTime(help_text="Ngày giờ hẹn trả mới (ISO 8601)")
        reason = inputs.Text(max_length=MAX_REASON, allow_blank=True, multiline=True)

        class Meta:
            ref_name = "DossierRescheduleInput"

    @_schema("Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04), một lần", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


# --------------------------------------------------------------------------- results that reach people (issue 24)


class DossierAttachResultApi(DossierMoveApi):
    """multipart/form-data: the PDF signed by the agency, verified as on the page (altered or
    unsigned: 400 with the message; signer outside the trust anchors: kept with its verdict)."""

    service = staticmethod(results.dossier_attach_result)

    class InputSerializer(MoveInput):
        result_file = serializers.FileField(help_text="PDF có chữ ký số của cơ quan (PAdES)")
        result_name = inputs.Text(required=False, allow_blank=True, default="", max_length=200)

        class Meta:
            ref_name = "DossierAttachResultInput"

    @_schema("Đính kèm kết quả điện tử có chữ ký số (mã {mã hồ sơ}-KQ{n})", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierHandLetterApi(DossierMoveApi):
    service = staticmethod(results.dossier_hand_letter)

    class InputSerializer(MoveInput):
        note = inputs.Text(required=False, allow_blank=True, default="", max_length=MAX_NOTE)

        class Meta:
            ref_name = "DossierHandLetterInput"

    @_schema("Ghi nhận đã trao thư chúc mừng / chia buồn cho công dân", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierConfirmDeliveryApi(DossierMoveApi):
    service = staticmethod(results.dossier_confirm_delivery)

    class InputSerializer(MoveInput):
        delivered_on = inputs.Date(help_text="Ngày người nhận ký nhận bưu gửi (phiếu báo phát)")
        delivered_to = inputs.Text(required=False, allow_blank=True, default="", max_length=150)

        class Meta:
            ref_name = "DossierConfirmDeliveryInput"

    @_schema("Xác nhận người nhận đã ký nhận kết quả gửi qua bưu chính", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierTransferApi(DossierMoveApi):
    service = staticmethod(transfers.dossier_transfer)

    class InputSerializer(MoveInput):
        mode = TransferModeField(default=TransferMode.ELECTRONIC,
                                 help_text="electronic: trong ngày (sau 15 giờ: ngày làm việc tiếp theo); "
                                           "paper: trong 01 ngày làm việc")
        note = inputs.Text(required=False, allow_blank=True, default="", max_length=MAX_NOTE)

        class Meta:
            ref_name = "DossierTransferInput"

    @_schema("Chuyển hồ sơ liên cơ quan: từ nơi tiếp nhận đến cơ quan giải quyết, hoặc kết quả về nơi tiếp nhận "
             "(409 not_transferable khi hồ sơ không ở bước này)", InputSerializer)
    def post(self, request, code: str):
        return self.move(request, code)


class DossierReceiveTransferApi(DossierMoveApi):
    service = staticmethod(transfers.dossier_receive_transfer)
    InputSerializer = NoteInput

    @_schema("Tiếp nhận hồ sơ (hoặc kết quả) được cơ quan khác chuyển đến (409 not_in_transit)", NoteInput)
    def post(self, request, code: str):
        return self.move(request, code)
