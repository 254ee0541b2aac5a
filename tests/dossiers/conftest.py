"""Dossier fixtures: a procedure the agency handles, and dossiers in any state built by
calling the real services (never by setting `status` by hand)."""

import pytest

from dossiers import services
from mocua.accounts.models import Role

from ..factories import UserFactory, full_variant


@pytest.fixture
def variant(agency):
    variant = full_variant(code="1.001193", name="Đăng ký khai sinh")
    variant.procedure.agencies.add(agency)
    return variant


def make_intake(variant, **overrides) -> services.Intake:
    applicant = services.Applicant(name="Trần Thị Bình", id_number="038190001234", phone="0912345678",
                                   email="binh@example.com", address="12 Lê Lợi, phường Hạc Thành")
    papers = [services.Paper(name=d.name, form=d.form, mandatory=d.mandatory) for d in variant.documents.all()]
    values = {"variant": variant, "applicant": applicant, "papers": papers}
    values.update(overrides)
    return services.Intake(**values)


@pytest.fixture
def intake(variant):
    return make_intake(variant)


@pytest.fixture
def received(receptionist, intake):
    return services.dossier_receive(actor=receptionist, intake=intake)


@pytest.fixture
def processing(received, receptionist, specialist):
    return services.dossier_hand_over(dossier=received, actor=receptionist, to_user=specialist)


@pytest.fixture
def result_ready(processing, leader):
    return services.dossier_approve(dossier=processing, actor=leader, result_summary="Giấy khai sinh số 123")


@pytest.fixture
def other_officer(other_agency):
    return UserFactory(agency=other_agency, role=Role.LEADER, username="lanhdao.khac")


# --------------------------------------------------------------------------- frozen time, dossiers in any state
# Appended for the service, deadline, permission and selector suites.

import datetime as _dt  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from django.utils import timezone as _timezone  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year, month, day, hour=0, minute=0, second=0) -> _dt.datetime:
    """An aware moment in Vietnam time."""
    return _dt.datetime(year, month, day, hour, minute, second, tzinfo=VN)


class FrozenClock:
    """Stands in for `django.utils.timezone.now` (no freezegun here): the test moves it by hand.

    Services, `timezone.localdate()` and auto_now fields all read the patched module attribute.
    """

    def __init__(self, moment: _dt.datetime):
        self.moment = moment

    def __call__(self) -> _dt.datetime:
        return self.moment

    def set(self, moment: _dt.datetime) -> _dt.datetime:
        self.moment = moment
        return moment


@pytest.fixture
def frozen(monkeypatch):
    """Time stands still at Mon 02/03/2026 08:00 (an ordinary working Monday) until moved."""
    clock = FrozenClock(vn(2026, 3, 2, 8, 0))
    monkeypatch.setattr(_timezone, "now", clock)
    return clock


@pytest.fixture
def second_specialist(agency):
    return UserFactory(agency=agency, role=Role.SPECIALIST, username="chuyenvien2")


# Every state the services can reach today. "submitted" is missing: no service creates an online
# submission yet, and tests must not set `status` by hand.
BUILDABLE_STATES = ("received", "processing", "awaiting_supplement", "awaiting_payment", "result_ready",
                    "returned", "refused", "refused_at_intake", "withdrawn", "stopped")


@pytest.fixture
def build_dossier(variant, receptionist, specialist, leader):
    """build_dossier(state) → a dossier brought to `state` through the real services only."""

    def build(state: str, **intake_overrides):
        intake = make_intake(variant, **intake_overrides)
        if state == "refused_at_intake":
            return services.dossier_refuse_intake(actor=receptionist, intake=intake, reason="Không thuộc thẩm quyền")
        dossier = services.dossier_receive(actor=receptionist, intake=intake)
        if state == "received":
            return dossier
        if state == "withdrawn":
            return services.dossier_withdraw(dossier=dossier, actor=receptionist, reason="Công dân xin rút")
        dossier = services.dossier_hand_over(dossier=dossier, actor=receptionist, to_user=specialist)
        if state == "processing":
            return dossier
        if state == "awaiting_supplement":
            return services.dossier_request_supplement(dossier=dossier, actor=specialist,
                                                       missing_papers=["Giấy chứng sinh"], reason="Thiếu giấy")
        if state == "awaiting_payment":
            return services.dossier_request_payment(dossier=dossier, actor=specialist, reason="Nộp lệ phí trước bạ")
        if state == "refused":
            return services.dossier_refuse(dossier=dossier, actor=leader, reason="Không đủ điều kiện")
        if state == "stopped":
            return services.dossier_stop(dossier=dossier, actor=leader, reason="Cơ quan có thẩm quyền yêu cầu dừng")
        dossier = services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")
        if state == "result_ready":
            return dossier
        assert state == "returned", state
        return services.dossier_return(dossier=dossier, actor=receptionist, collected_by="Trần Thị Bình",
                                       collected_id_number="038190001234")

    return build


def snapshot(dossier) -> dict:
    """What an illegal move must leave untouched, re-read from the database."""
    from dossiers.models import Dossier

    fresh = Dossier.objects.get(pk=dossier.pk)
    return {"status": fresh.status, "version": fresh.version, "events": fresh.events.count(),
            "steps": fresh.steps.count(), "due_at": fresh.due_at, "legal_due_at": fresh.legal_due_at,
            "holder": fresh.holder_id, "reason": fresh.reason, "supplement_requests": fresh.supplement_requests,
            "documents": fresh.documents.count(), "finished_at": fresh.finished_at}


@pytest.fixture
def submit_online(variant, agency):
    """submit_online() → an online submission waiting for the counter, made by the real service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procedures.models import OnlineLevel

    variant.procedure.online_level = OnlineLevel.FULL
    variant.procedure.save()

    def submit(**applicant_changes):
        values = {"name": "Lê Văn Cường", "id_number": "038190005678", "phone": "0934567890",
                  "email": "cuong@example.com"}
        values.update(applicant_changes)
        form = variant.documents.get(mandatory=True)
        return services.dossier_submit_online(
            variant=variant, agency=agency, applicant=services.Applicant(**values),
            uploads={form.pk: SimpleUploadedFile("to-khai.pdf", b"%PDF-1.7\n%%EOF\n")})

    return submit


# --------------------------------------------------------------------------- the outbox's transports
# Shared by the outbox suites (test_outbox.py, test_outbox_batched.py).


@pytest.fixture
def sms(settings):
    """SMS kept in memory: the list of (phone, text) sent."""
    from dossiers.sms import MemorySMSBackend

    settings.SMS_BACKEND = "dossiers.sms.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    yield MemorySMSBackend.outbox
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def mailserver(settings):
    """E-mail through tests/dossiers/mailbackends.py: counts connections, refuses chosen addresses."""
    from .mailbackends import RecordingBackend

    settings.EMAIL_BACKEND = "tests.dossiers.mailbackends.RecordingBackend"
    RecordingBackend.reset()
    yield RecordingBackend
    RecordingBackend.reset()


DEAD_BROKER = "redis://127.0.0.1:1/0"  # port 1: connection refused at once


@pytest.fixture
def dead_broker():
    """Publishing really goes to a broker (not eager) and nothing listens there."""
    from mocua.celery import app

    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = DEAD_BROKER, False
    _forget_connections(app)
    yield
    conf.broker_url, conf.task_always_eager = saved
    _forget_connections(app)


def _forget_connections(app):
    # The app caches its connection pool per broker; drop it as Celery does after a fork.
    app._pool = None
    app.amqp._producer_pool = None
