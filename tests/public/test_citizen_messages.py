"""Issue 5 point 6: the citizen hears when the dossier is received, when a supplement is needed
and when the result is ready: e-mail and SMS written to the outbox with the move, delivered after
commit, in Vietnamese with the lookup link; SMS through a pluggable backend that by default logs."""

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.utils import timezone

from dossiers import apology, services, sms, tokens
from dossiers.models import Message

from .conftest import make_intake

pytestmark = pytest.mark.django_db
LINK = re.compile(r"(\S+)/tra-cuu/ma/([^/\s]+)/")


@pytest.fixture
def memory_sms(settings):
    settings.SMS_BACKEND = "dossiers.sms.MemorySMSBackend"
    sms.MemorySMSBackend.outbox.clear()
    yield sms.MemorySMSBackend.outbox
    sms.MemorySMSBackend.outbox.clear()


def citizen_messages(dossier, channel):
    return list(Message.objects.filter(dossier=dossier, channel=channel, recipient=None).order_by("pk"))


def test_received_supplement_and_result_reach_the_citizen_by_email_and_sms(
        settings, build_dossier, specialist, leader, memory_sms, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = build_dossier("awaiting_supplement")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_receive_supplement(dossier=dossier, actor=specialist)
        services.dossier_approve(dossier=dossier, actor=leader, result_summary="Giấy khai sinh")

    emails = citizen_messages(dossier, Message.Channel.EMAIL)
    texts = citizen_messages(dossier, Message.Channel.SMS)
    assert [m.subject for m in emails] == [f"Đã tiếp nhận hồ sơ {dossier.code}",
                                           f"Hồ sơ {dossier.code} cần bổ sung giấy tờ",
                                           f"Hồ sơ {dossier.code} đã có kết quả"]
    assert [m.subject for m in texts] == [m.subject for m in emails]
    assert {m.state for m in emails + texts} == {Message.State.SENT}
    assert {m.address for m in emails} == {"binh@example.com"} and {m.address for m in texts} == {"0912345678"}

    # What went out: the messages as sent (the rows keep them without the PIN and token, below).
    sent_mail = [m for m in mail.outbox if m.to == ["binh@example.com"]]
    assert [m.subject for m in sent_mail] == [m.subject for m in emails]
    received, supplement, result = (m.body for m in sent_mail)
    assert "Hẹn trả kết quả" in received and dossier.pin in received
    assert "Giấy chứng sinh" in supplement and "Thiếu giấy" in supplement
    assert "đã có kết quả" in result and "Bộ phận Một cửa" in result
    links = [LINK.search(body) for body in [m.body for m in sent_mail] + [text for _, text in memory_sms]]
    assert all(link and link.group(1) == settings.SITE_URL for link in links)
    assert {tokens.code_from_token(link.group(2)) for link in links} == {dossier.code}
    # The link works: it opens the masked page.
    assert client.get(f"/tra-cuu/ma/{links[-1].group(2)}/").status_code == 200
    assert [phone for phone, _ in memory_sms] == ["0912345678"] * len(texts)
    assert [tokens.redact(text) for _, text in memory_sms] == [m.body for m in texts]

    # Delivered rows drop the PIN and the lookup token from their stored text (issue 20, item 11).
    for message in emails + texts:
        assert dossier.pin not in message.body and not LINK.search(message.body.replace("[đã ẩn]", ""))
    assert "Mã tra cứu: [đã ẩn]" in emails[0].body and "/tra-cuu/ma/[đã ẩn]/" in emails[0].body


def test_nothing_is_sent_before_the_move_commits(build_dossier, memory_sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = build_dossier("received")
    assert len(citizen_messages(dossier, Message.Channel.EMAIL)) == 1  # written with the move…
    assert mail.outbox == [] and memory_sms == []  # …sent only after commit
    assert callbacks


def test_the_default_sms_backend_logs_delivery_facts_only(build_dossier, settings, caplog,
                                                          django_capture_on_commit_callbacks):
    """Issue 20, item 11: a masked number, the message's kind and id; never the PIN, the lookup
    token, the text or the whole number, in any log line of the intake and its delivery."""
    assert settings.SMS_BACKEND == "dossiers.sms.LoggingSMSBackend"
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = build_dossier("received")
    [line] = [r.getMessage() for r in caplog.records if r.name == "mocua.sms"]
    assert line.startswith("SMS not sent (logging backend) to=*******678 length=")
    [sms_row] = citizen_messages(dossier, Message.Channel.SMS)
    assert f"outbox sent id={sms_row.pk} channel=sms kind=received to=*******678" in caplog.text
    token = tokens.lookup_token(dossier)
    for record in caplog.records:
        text = record.getMessage()
        assert dossier.pin not in text and token not in text and "0912345678" not in text
        assert "/tra-cuu/ma/" not in text and "Hẹn trả kết quả" not in text


def test_a_citizen_without_phone_or_email_gets_nothing_and_the_intake_still_works(receptionist, variant):
    intake = make_intake(variant)
    intake.applicant.phone = intake.applicant.email = ""
    dossier = services.dossier_receive(actor=receptionist, intake=intake)
    assert not Message.objects.filter(dossier=dossier, recipient=None).exists()


def test_an_online_submission_and_its_rejection_are_told_too(submit_online, receptionist, memory_sms,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit_online()
        services.dossier_reject_online(dossier=dossier, actor=receptionist, reason="Ảnh mờ")
    subjects = [m.subject for m in citizen_messages(dossier, Message.Channel.SMS)]
    assert subjects == [f"Đã nộp hồ sơ {dossier.code}", f"Hồ sơ {dossier.code} không được tiếp nhận"]
    assert "Ảnh mờ" in memory_sms[-1][1]


@pytest.mark.parametrize("state, subject, reason", [
    ("refused", "Hồ sơ {code} bị từ chối giải quyết", "Lý do từ chối: Không đủ điều kiện"),
    ("stopped", "Hồ sơ {code} bị dừng giải quyết", "Lý do dừng giải quyết: Cơ quan có thẩm quyền yêu cầu dừng"),
])
def test_a_refusal_or_a_stop_tells_the_citizen_why(state, subject, reason, build_dossier, memory_sms,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = build_dossier(state)
    last = citizen_messages(dossier, Message.Channel.EMAIL)[-1]
    assert last.subject == subject.format(code=dossier.code)
    assert reason in last.body and LINK.search(memory_sms[-1][1])
    assert tokens.redact(memory_sms[-1][1]) == citizen_messages(dossier, Message.Channel.SMS)[-1].body


def test_a_withdrawal_asked_by_the_citizen_sends_nothing_more(build_dossier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = build_dossier("withdrawn")
    assert [m.subject for m in citizen_messages(dossier, Message.Channel.EMAIL)] == [
        f"Đã tiếp nhận hồ sơ {dossier.code}"]


def test_the_apology_with_a_new_appointment_reaches_the_citizen(build_dossier, leader,
                                                                django_capture_on_commit_callbacks):
    dossier = build_dossier("processing")
    new_due = dossier.due_at + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        apology.dossier_reschedule(dossier=dossier, actor=leader, new_due_at=new_due, reason="Chờ xác minh")
    last = citizen_messages(dossier, Message.Channel.EMAIL)[-1]
    assert last.subject == f"Hẹn lại ngày trả kết quả hồ sơ {dossier.code}"
    assert "Chờ xác minh" in last.body
    assert timezone.localtime(new_due).strftime("%H:%M ngày %d/%m/%Y") in last.body
    assert last.state == Message.State.SENT
