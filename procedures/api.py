"""Read-only catalogue API: /api/v1/procedures/ (search, filters) and /api/v1/procedures/<code>/."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets
from rest_framework.permissions import AllowAny

from mocua.accounts.models import Agency
from mocua.inputs import CATALOGUE_CODE
from mocua.serializers import OutputSerializer

from . import selectors
from .models import Fee, Procedure, ProcedureStep, ProcedureVariant, RequiredDocument


class FeeOutput(OutputSerializer):
    class Meta:
        model = Fee
        fields = ["kind", "name", "amount", "unit", "channel", "exemptions"]


class DocumentOutput(OutputSerializer):
    class Meta:
        model = RequiredDocument
        fields = ["order", "name", "form", "quantity", "mandatory", "template_name", "note"]


class StepOutput(OutputSerializer):
    class Meta:
        model = ProcedureStep
        fields = ["order", "name", "role", "department_name", "budget"]


class VariantOutput(OutputSerializer):
    fees = FeeOutput(many=True, read_only=True)
    documents = DocumentOutput(many=True, read_only=True)
    steps = StepOutput(many=True, read_only=True)

    class Meta:
        model = ProcedureVariant
        fields = ["id", "name", "time_limit", "time_unit", "time_label", "online_time_limit",
                  "same_day_cutoff", "note", "fees", "documents", "steps"]


class VariantSummary(OutputSerializer):
    class Meta:
        model = ProcedureVariant
        fields = ["id", "name", "time_limit", "time_unit", "time_label"]


class ProcedureListOutput(OutputSerializer):
    field = serializers.CharField(source="field.name")
    field_code = serializers.CharField(source="field.code")
    variants = VariantSummary(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "field_code", "level", "online_level", "result", "variants"]


class ProcedureDetailOutput(ProcedureListOutput):
    variants = VariantOutput(many=True, read_only=True)
    agencies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta(ProcedureListOutput.Meta):
        fields = ProcedureListOutput.Meta.fields + [
            "implementing_body", "agencies", "applicants", "sequence", "legal_basis", "conditions",
            "postal_submission", "postal_return",
        ]


class ProcedureFilter(django_filters.FilterSet):
    field = django_filters.CharFilter(field_name="field__code", label="Mã lĩnh vực")
    agency = django_filters.CharFilter(field_name="agencies__code", label="Mã định danh cơ quan")
    desk = django_filters.CharFilter(method="receivable_at", label="Mã định danh nơi tiếp nhận: các thủ tục "
                                     "của tỉnh mà bộ phận một cửa này được tiếp nhận")

    class Meta:
        model = Procedure
        fields = ["field", "level", "agency", "desk", "online_level"]

    def receivable_at(self, queryset, name, value):
        desk = Agency.objects.filter(code=value).values_list("pk", flat=True).first()
        if desk is None:
            return queryset.none()
        # A subquery: the two joins of the rule would repeat a procedure resolved by several agencies.
        return queryset.filter(pk__in=Procedure.objects.filter(selectors.receivable_by(desk)).values("pk"))


class FoldedSearchFilter(filters.BaseFilterBackend):
    """`?search=` with the same diacritics-insensitive matching as the catalogue page."""

    def filter_queryset(self, request, queryset, view):
        query = request.query_params.get("search", "")
        return selectors.procedure_search(queryset, query) if query else queryset


@extend_schema_view(
    list=extend_schema(summary="Danh mục thủ tục hành chính", parameters=[
        OpenApiParameter("search", str, description="Tìm theo mã, tên (không phân biệt dấu)")]),
    retrieve=extend_schema(summary="Chi tiết một thủ tục theo mã"),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    lookup_field = "code"
    lookup_value_regex = CATALOGUE_CODE
    filterset_class = ProcedureFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, FoldedSearchFilter]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.procedure_detail_queryset()
        return selectors.procedure_list()

    def get_serializer_class(self):
        return ProcedureDetailOutput if self.action == "retrieve" else ProcedureListOutput
