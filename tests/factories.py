"""Factories for the organisation (agencies, departments, staff) and the catalogue. Dossiers are never
built here: tests/dossiers/conftest.py brings one to a state through the real services (build_dossier)."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from mocua.accounts.models import Agency, Department, Level, Role, User
from procedures.models import Fee, Field, Procedure, ProcedureStep, ProcedureVariant, RequiredDocument, TimeUnit

PASSWORD = "mocua-test-password"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"000.{n % 100:02d}.{n // 100 + 10:02d}.H99")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    level = Level.COMMUNE
    place_name = "Thử Nghiệm"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Phòng {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.vn")
    agency = factory.SubFactory(AgencyFactory)
    department = factory.LazyAttribute(lambda o: DepartmentFactory(agency=o.agency) if o.agency else None)
    role = Role.RECEPTION
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    level = Level.COMMUNE
    result = "Giấy chứng nhận"

    @factory.post_generation
    def agencies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.agencies.add(*extracted)


class VariantFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureVariant

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Trường hợp chung"
    time_limit = Decimal("3")
    time_unit = TimeUnit.WORKING_DAYS
    same_day_cutoff = dt.time(15, 0)


class FeeFactory(DjangoModelFactory):
    class Meta:
        model = Fee

    variant = factory.SubFactory(VariantFactory)
    name = "Lệ phí"
    amount = 8000


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    variant = factory.SubFactory(VariantFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")


class StepFactory(DjangoModelFactory):
    class Meta:
        model = ProcedureStep

    variant = factory.SubFactory(VariantFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Bước {n}")
    role = Role.SPECIALIST
    budget = Decimal("1")


def full_variant(procedure=None, *, time_limit="3", unit=TimeUnit.WORKING_DAYS, **kwargs) -> ProcedureVariant:
    """A variant with two papers, a fee and the usual four steps splitting its limit."""
    procedure = procedure or ProcedureFactory(**kwargs)
    limit = Decimal(time_limit)
    variant = VariantFactory(procedure=procedure, time_limit=limit, time_unit=unit)
    FeeFactory(variant=variant)
    DocumentFactory(variant=variant, name="Tờ khai theo mẫu", order=1)
    DocumentFactory(variant=variant, name="Giấy tờ tùy thân", order=2, mandatory=False)
    quarter = (limit / 4).quantize(Decimal("0.01"))
    budgets = [quarter, limit - 3 * quarter, quarter, quarter]
    roles = [Role.RECEPTION, Role.SPECIALIST, Role.LEADER, Role.RECEPTION]
    names = ["Tiếp nhận hồ sơ", "Thẩm định, xử lý", "Ký duyệt kết quả", "Trả kết quả"]
    for order, (name, role, budget) in enumerate(zip(names, roles, budgets, strict=True), start=1):
        StepFactory(variant=variant, order=order, name=name, role=role, budget=budget)
    return variant
