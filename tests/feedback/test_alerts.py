"""Alerts before and after each due time of a feedback item, through the outbox: exactly once each,
to the officer handling it and their department's heads (to the unit's heads and leaders while no one
is assigned), never while the clock is stopped for the citizen nor once the item is handled."""

import pytest
from django.conf import settings
from django.core import mail

from dossiers.models import Message
from feedback import alerts, services, tasks
from feedback.models import FeedbackAlert
from feedback.workflow import Category
from mocua.accounts.models import Role

from ..factories import UserFactory
from .conftest import send, vn

pytestmark = pytest.mark.django_db


def scan(frozen, moment) -> set[tuple[str, str]]:
    """The (due time, kind) alerts the scan at `moment` writes."""
    frozen.set(moment)
    before = set(FeedbackAlert.objects.values_list("pk", flat=True))
    alerts.feedback_alerts_scan()
    return set(FeedbackAlert.objects.exclude(pk__in=before).values_list("deadline", "kind"))


def test_each_due_time_is_alerted_before_and_after_exactly_once(agency, specialist, head, leader, frozen,
                                                               django_capture_on_commit_callbacks):
    frozen.set(vn(2026, 3, 2, 8, 0))  # received Monday: refuse by Wed 04/03, classify by Mon 09/03, answer 23/03
    item = send(agency)
    assert scan(frozen, vn(2026, 3, 2, 9, 0)) == set()
    assert scan(frozen, vn(2026, 3, 4, 14, 0)) == {("refuse", "due_soon")}  # 3 office hours left
    assert scan(frozen, vn(2026, 3, 4, 14, 15)) == set()
    assert scan(frozen, vn(2026, 3, 5, 8, 0)) == {("refuse", "overdue")}
    assert scan(frozen, vn(2026, 3, 9, 14, 0)) == {("classify", "due_soon")}
    frozen.set(vn(2026, 3, 9, 15, 0))
    item = services.feedback_classify(item=item, actor=specialist, category=Category.CONDUCT)
    assert scan(frozen, vn(2026, 3, 9, 15, 15)) == {("info", "due_soon")}  # a first request for more: by 17:00
    assert scan(frozen, vn(2026, 3, 10, 8, 0)) == {("info", "overdue")}
    assert scan(frozen, vn(2026, 3, 16, 9, 0)) == set()  # 76 of the answer's 119.5 office hours used
    assert scan(frozen, vn(2026, 3, 19, 9, 0)) == {("answer", "due_soon")}  # past ALERT_DUE_SOON_SHARE (75 %)
    assert scan(frozen, vn(2026, 3, 23, 14, 0)) == set()
    assert scan(frozen, vn(2026, 3, 24, 8, 0)) == {("answer", "overdue")}
    frozen.set(vn(2026, 3, 24, 9, 0))
    item = services.feedback_answer(item=item, actor=specialist, answer="Đã xử lý.")
    assert scan(frozen, vn(2026, 3, 26, 14, 0)) == {("publish", "due_soon")}
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(frozen, vn(2026, 3, 27, 8, 0)) == {("publish", "overdue")}
    frozen.set(vn(2026, 3, 27, 9, 0))
    services.feedback_publish(item=item, actor=head, public_question="Câu hỏi.", public_answer="Trả lời.")
    assert scan(frozen, vn(2026, 4, 20, 9, 0)) == set()
    assert FeedbackAlert.objects.count() == 9  # classified in time: no "classify overdue"
    # Each alert once per recipient and channel: the message keys are unique by alert.
    keys = list(Message.objects.filter(key__startswith="feedback-alert:").values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    overdue = FeedbackAlert.objects.get(deadline="publish", kind="overdue")
    bell = Message.objects.get(key=f"feedback-alert:{overdue.pk}:u{specialist.pk}:inapp")
    assert "đã quá hạn công khai kết quả trả lời (17:00 26/03/2026)" in bell.subject
    assert bell.url == f"/can-bo/phan-anh/{item.pk}/"
    assert [m.to for m in mail.outbox if m.subject == bell.subject] == [[specialist.email]]


def test_before_assignment_the_units_managers_are_alerted_then_the_officer_and_their_heads(
        agency, specialist, head, leader, frozen):
    own_head = UserFactory(agency=agency, role=Role.HEAD, department=specialist.department, username="tp.cv")
    frozen.set(vn(2026, 3, 2, 8, 0))
    item = send(agency)
    scan(frozen, vn(2026, 3, 5, 8, 0))  # refuse overdue
    first = FeedbackAlert.objects.get()
    assert set(Message.objects.filter(key__startswith=f"feedback-alert:{first.pk}:", channel="inapp")
               .values_list("recipient", flat=True)) == {head.pk, leader.pk, own_head.pk}
    services.feedback_assign(item=item, actor=head, to_user=specialist)
    scan(frozen, vn(2026, 3, 10, 8, 0))  # classify overdue
    second = FeedbackAlert.objects.get(deadline="classify")
    assert set(Message.objects.filter(key__startswith=f"feedback-alert:{second.pk}:", channel="inapp")
               .values_list("recipient", flat=True)) == {specialist.pk, own_head.pk}


def test_waiting_for_the_citizen_and_handled_items_are_never_alerted(specialist, build_item, frozen):
    build_item("awaiting_info")
    build_item("refused")
    build_item("forwarded")  # its copy at the other unit is alerted there, as its own item
    build_item("published")
    found = scan(frozen, vn(2026, 6, 1, 9, 0))
    assert FeedbackAlert.objects.filter(feedback__status__in=["awaiting_info", "refused", "forwarded",
                                                              "published"]).count() == 0
    assert found == {("refuse", "overdue"), ("classify", "overdue"), ("answer", "overdue")}


def test_a_scan_losing_the_race_for_an_alert_writes_nothing(agency, head, frozen, monkeypatch):
    frozen.set(vn(2026, 3, 2, 8, 0))
    send(agency)
    frozen.set(vn(2026, 3, 5, 8, 0))
    assert alerts.feedback_alerts_scan() > 0
    messages = Message.objects.count()
    monkeypatch.setattr(alerts, "_recorded", lambda ids: set())  # the other beat's stale read
    assert alerts.feedback_alerts_scan() == 0
    assert FeedbackAlert.objects.count() == 1 and Message.objects.count() == messages


def test_the_scan_is_a_beat_task(agency, head, frozen):
    schedule = settings.CELERY_BEAT_SCHEDULE["scan-feedback-deadlines"]
    assert schedule["task"] == "feedback.tasks.scan_feedback_deadlines"
    frozen.set(vn(2026, 3, 2, 8, 0))
    send(agency)
    frozen.set(vn(2026, 3, 5, 8, 0))
    assert tasks.scan_feedback_deadlines.delay().get() > 0
    assert tasks.scan_feedback_deadlines.delay().get() == 0


def test_the_scan_reads_the_open_items_in_a_few_queries(agency, head, frozen, django_assert_num_queries):
    frozen.set(vn(2026, 3, 2, 8, 0))
    for _ in range(4):
        send(agency)
    frozen.set(vn(2026, 3, 5, 8, 0))
    alerts.feedback_alerts_scan()
    # the open items with their unit, officer and dossier; the alerts already sent; the units' heads
    with django_assert_num_queries(3):
        assert alerts.feedback_alerts_scan() == 0
