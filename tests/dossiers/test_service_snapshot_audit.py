"""A dossier keeps the catalogue as it was at intake, and its audit rows never change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from dossiers import services
from dossiers.models import Dossier, DossierEvent
from mocua.accounts.models import Role
from procedures.models import TimeUnit

from ..factories import FeeFactory, StepFactory
from .conftest import vn

pytestmark = pytest.mark.django_db


def test_editing_the_variant_after_intake_changes_no_dossier(frozen, received, variant, receptionist, specialist):
    plan = received.steps_plan
    assert [s["name"] for s in plan][:2] == ["Tiếp nhận hồ sơ", "Thẩm định, xử lý"]

    variant.name = "Trường hợp mới"
    variant.time_limit, variant.time_unit = Decimal("10"), TimeUnit.CALENDAR_DAYS
    variant.save()
    variant.fees.update(amount=50000)
    FeeFactory(variant=variant, name="Phí mới", amount=20000)
    variant.steps.all().delete()
    StepFactory(variant=variant, order=1, name="Bước duy nhất", role=Role.SPECIALIST, budget=Decimal("10"))

    dossier = Dossier.objects.get(pk=received.pk)
    assert (dossier.variant_name, dossier.time_limit, dossier.time_unit) == (
        "Trường hợp chung", Decimal("3"), TimeUnit.WORKING_DAYS)
    assert list(dossier.fees.values_list("name", "amount")) == [("Lệ phí", 8000)]
    assert dossier.steps_plan == plan
    assert dossier.legal_due_at == vn(2026, 3, 5, 17, 0)

    # Handling still follows the plan copied at intake.
    dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
    assert dossier.steps.latest("pk").step_name == "Thẩm định, xử lý"
    assert dossier.step_due_at == vn(2026, 3, 2, 15, 37, 30)


def test_an_event_cannot_be_edited(frozen, received):
    event = DossierEvent.objects.get(dossier=received)
    event.note = "Sửa lại cho đẹp"

    with pytest.raises(PermissionError):
        event.save()

    assert DossierEvent.objects.get(pk=event.pk).note == ""


def test_an_event_cannot_be_deleted(frozen, received):
    event = DossierEvent.objects.get(dossier=received)

    with pytest.raises(PermissionError):
        event.delete()

    assert DossierEvent.objects.filter(pk=event.pk).exists()


def test_a_dossier_with_events_cannot_be_deleted(frozen, received):
    with pytest.raises(ProtectedError):
        Dossier.objects.get(pk=received.pk).delete()
    assert Dossier.objects.filter(pk=received.pk).exists()


def test_events_are_written_with_the_time_of_the_move(frozen, received, receptionist, specialist):
    frozen.set(frozen.moment + dt.timedelta(hours=1))
    services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)
    assert list(DossierEvent.objects.filter(dossier=received).values_list("action", "at")) == [
        ("receive", vn(2026, 3, 2, 8, 0)), ("hand_over", vn(2026, 3, 2, 9, 0))]
