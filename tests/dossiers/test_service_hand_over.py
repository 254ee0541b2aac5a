"""dossier_hand_over: the handover log (Mẫu 06), per-step due times, substitutes, refusals."""

import datetime as dt

import pytest

from dossiers import services
from dossiers.models import Dossier, DossierStep
from dossiers.workflow import Status
from mocua.accounts.models import Absence, Role
from mocua.errors import ConflictError, DomainError

from ..factories import DepartmentFactory, UserFactory
from .conftest import snapshot, vn

pytestmark = pytest.mark.django_db


def test_hand_over_from_reception_finishes_step_0_and_opens_step_1(frozen, received, receptionist, specialist):
    assert (received.status, received.step_index, received.holder) == (Status.RECEIVED, 0, receptionist)
    frozen.set(vn(2026, 3, 2, 10, 0))

    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist, note="Chuyển xử lý")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.PROCESSING
    assert (dossier.step_index, dossier.holder, dossier.department) == (1, specialist, specialist.department)
    # Step 1 has its own budget, 0.75 day = 5 h 37 min 30 s of office time from 10:00:
    # 10:00→11:30 and 13:30→17:00 make 5 h; the last 37 min 30 s fall on Tuesday morning.
    assert dossier.step_due_at == vn(2026, 3, 3, 8, 7, 30)
    first, second = DossierStep.objects.filter(dossier=dossier).order_by("pk")
    assert (first.finished_at, first.timeliness, first.late_seconds) == (frozen.moment, "on_time", 0)
    assert (second.step_index, second.step_name, second.from_user, second.to_user, second.intended_user) == (
        1, "Thẩm định, xử lý", receptionist, specialist, None)
    assert (second.started_at, second.finished_at, second.note) == (frozen.moment, None, "Chuyển xử lý")
    assert second.due_at == dossier.step_due_at
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "hand_over", "received", "processing", receptionist, "Chuyển xử lý")
    assert event.data == {"to_user": specialist.pk, "intended_user": None, "to_department": specialist.department.pk}


def test_hand_over_to_the_next_step_opens_a_new_budget(frozen, processing, specialist, leader):
    frozen.set(vn(2026, 3, 3, 8, 0))

    dossier = services.dossier_hand_over(dossier=processing, actor=specialist, to_user=leader)

    assert (dossier.status, dossier.step_index, dossier.holder) == (Status.PROCESSING, 2, leader)
    assert dossier.step_due_at == vn(2026, 3, 3, 15, 37, 30)
    steps = list(dossier.steps.order_by("pk"))
    assert [s.step_name for s in steps] == ["Tiếp nhận hồ sơ", "Thẩm định, xử lý", "Ký duyệt kết quả"]
    assert steps[1].finished_at == frozen.moment
    assert steps[2].due_at == vn(2026, 3, 3, 15, 37, 30)
    assert [s.finished_at is None for s in steps] == [False, False, True]


def test_hand_over_within_the_step_inherits_its_due_time(frozen, received, receptionist, head, specialist):
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=head)
    step_due = dossier.step_due_at
    frozen.set(vn(2026, 3, 2, 9, 0))

    dossier = services.dossier_hand_over(dossier=dossier, actor=head, to_user=specialist, next_step=False)

    assert (dossier.step_index, dossier.holder, dossier.step_due_at) == (1, specialist, step_due)
    head_step, specialist_step = dossier.steps.order_by("pk")[1:]
    assert (head_step.to_user, head_step.finished_at, head_step.timeliness) == (head, frozen.moment, "on_time")
    assert (specialist_step.step_index, specialist_step.step_name, specialist_step.from_user) == (
        1, "Thẩm định, xử lý", head)
    assert specialist_step.due_at == head_step.due_at == step_due


def test_reception_always_moves_on_to_the_next_step(frozen, received, receptionist, specialist):
    # next_step=False from "received" still ends the reception step: there is nothing to share.
    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist, next_step=False)
    assert dossier.step_index == 1
    assert dossier.step_due_at == vn(2026, 3, 2, 15, 37, 30)


def test_hand_over_to_a_department(frozen, received, receptionist, agency):
    department = DepartmentFactory(agency=agency, name="Phòng Tư pháp")

    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_department=department)

    assert (dossier.holder, dossier.department) == (None, department)
    step = dossier.steps.latest("pk")
    assert (step.to_user, step.to_department) == (None, department)


def test_substitute_receives_the_dossier_of_an_absent_officer(frozen, received, receptionist, specialist,
                                                              second_specialist):
    Absence.objects.create(user=specialist, substitute=second_specialist, starts_on=dt.date(2026, 3, 1),
                           ends_on=dt.date(2026, 3, 2), reason="Nghỉ phép")

    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)

    assert dossier.holder == second_specialist
    assert dossier.department == second_specialist.department
    step = dossier.steps.latest("pk")
    assert (step.to_user, step.intended_user) == (second_specialist, specialist)
    assert dossier.events.latest("pk").data["intended_user"] == specialist.pk
    assert dossier.events.latest("pk").data["to_user"] == second_specialist.pk


@pytest.mark.parametrize(("starts", "ends"), [((2026, 2, 20), (2026, 3, 1)), ((2026, 3, 3), (2026, 3, 10))])
def test_absence_not_covering_today_changes_nothing(frozen, received, receptionist, specialist, second_specialist,
                                                    starts, ends):
    Absence.objects.create(user=specialist, substitute=second_specialist, starts_on=dt.date(*starts),
                           ends_on=dt.date(*ends))

    dossier = services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)

    step = dossier.steps.latest("pk")
    assert (dossier.holder, step.to_user, step.intended_user) == (specialist, specialist, None)


@pytest.fixture
def stranger(other_agency):
    return UserFactory(agency=other_agency, role=Role.SPECIALIST, username="chuyenvien.khac")


@pytest.mark.parametrize("target", ["stranger", "inactive", "no_role"])
def test_hand_over_refuses_an_officer_outside_the_agency(frozen, received, receptionist, stranger, agency, target):
    users = {"stranger": stranger,
             "inactive": UserFactory(agency=agency, role=Role.SPECIALIST, is_active=False),
             "no_role": UserFactory(agency=agency, role="")}
    before = snapshot(received)

    with pytest.raises(DomainError) as caught:
        services.dossier_hand_over(dossier=received, actor=receptionist, to_user=users[target])

    assert (caught.value.field, caught.value.code) == ("to_user", "other_agency")
    assert snapshot(received) == before


def test_hand_over_refuses_a_department_of_another_agency(frozen, received, receptionist, other_agency):
    before = snapshot(received)
    with pytest.raises(DomainError) as caught:
        services.dossier_hand_over(dossier=received, actor=receptionist,
                                   to_department=DepartmentFactory(agency=other_agency))
    assert (caught.value.field, caught.value.code) == ("to_department", "other_agency")
    assert snapshot(received) == before


def test_hand_over_needs_a_receiver(frozen, received, receptionist):
    before = snapshot(received)
    with pytest.raises(DomainError) as caught:
        services.dossier_hand_over(dossier=received, actor=receptionist)
    assert caught.value.field == "to_user"
    assert snapshot(received) == before


def test_hand_over_refuses_a_stale_version(frozen, processing, specialist, head, leader):
    read_version = processing.version
    services.dossier_hand_over(dossier=processing, actor=specialist, to_user=head, expected_version=read_version)
    before = snapshot(processing)

    with pytest.raises(ConflictError) as caught:
        services.dossier_hand_over(dossier=processing, actor=head, to_user=leader, expected_version=read_version)

    assert caught.value.code == "stale_version"
    assert snapshot(processing) == before
    assert Dossier.objects.get(pk=processing.pk).holder == head


def test_hand_over_with_the_current_version_passes(frozen, processing, specialist, head):
    dossier = services.dossier_hand_over(dossier=processing, actor=specialist, to_user=head,
                                         expected_version=processing.version)
    assert dossier.version == processing.version + 1
