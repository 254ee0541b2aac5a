"""The unit's moves on a feedback item: each one's state before and after, its audit row, its messages,
who may make it, and each refusal (which changes nothing)."""

import pytest

from dossiers.models import Message
from feedback import services
from feedback.models import Feedback, Source
from feedback.workflow import Category, Status
from mocua.accounts.models import Role
from mocua.errors import ConflictError, DomainError, ForbiddenError

from ..factories import UserFactory
from .conftest import send, vn

pytestmark = pytest.mark.django_db


def fresh(item) -> Feedback:
    return Feedback.objects.get(pk=item.pk)


def snapshot(item) -> dict:
    row = fresh(item)
    return {"status": row.status, "version": row.version, "events": row.events.count(), "late": row.late,
            "assignee": row.assignee_id, "category": row.category, "answer": row.answer,
            "messages": Message.objects.count(), "items": Feedback.objects.count()}


def test_classifying_takes_the_item_and_starts_handling(agency, specialist):
    item = services.feedback_classify(item=send(agency), actor=specialist, category=Category.RULE, note="Về lệ phí")
    row = fresh(item)
    assert (row.status, row.category, row.assignee, row.late, row.version) == (
        Status.PROCESSING, Category.RULE, specialist, False, 2)
    event = row.events.get(action="classify")
    assert (event.from_status, event.to_status, event.actor, event.note, event.data["category"]) == (
        "received", "processing", specialist, "Về lệ phí", "rule")


def test_outside_the_competence_is_not_a_class_but_a_forward(agency, specialist):
    item = send(agency)
    before = snapshot(item)
    with pytest.raises(DomainError) as caught:
        services.feedback_classify(item=item, actor=specialist, category=Category.OUTSIDE)
    assert caught.value.field == "category" and snapshot(item) == before


def test_forwarding_to_a_unit_on_the_portal_gives_it_its_own_item_and_clock(agency, other_agency, specialist, frozen):
    item = send(agency)
    frozen.set(vn(2026, 3, 5, 9, 0))
    item = services.feedback_forward(item=item, actor=specialist, to_agency=other_agency, reason="Thuộc phường khác")
    row = fresh(item)
    assert (row.status, row.category, row.finished_at, row.forwarded_to_body) == (
        Status.FORWARDED, Category.OUTSIDE, frozen.moment, other_agency.name)
    copy = Feedback.objects.get(forwarded_from=item)
    assert (copy.agency, copy.status, copy.source, copy.received_at) == (
        other_agency, Status.RECEIVED, Source.FORWARDED, vn(2026, 3, 5, 9, 0))
    assert copy.code != item.code and copy.content == item.content and copy.sender_phone == item.sender_phone
    assert copy.answer_due_at > item.answer_due_at  # its clock starts at the forwarding
    sms = Message.objects.get(channel="sms", key__startswith=f"feedback:{item.pk}:forward")
    assert copy.code in sms.body and other_agency.name in sms.body


def test_forwarding_outside_the_portal_names_the_body(agency, specialist):
    item = services.feedback_forward(item=send(agency), actor=specialist, to_body="Sở Tư pháp", reason="Về luật")
    assert fresh(item).forwarded_to_body == "Sở Tư pháp" and Feedback.objects.count() == 1


@pytest.mark.parametrize("arguments, field", [({"reason": " "}, "reason"), ({"to_body": ""}, "to_agency"),
                                              ({"to_agency": "self"}, "to_agency")])
def test_forwarding_needs_a_reason_and_another_body(agency, specialist, arguments, field):
    item = send(agency)
    before = snapshot(item)
    arguments = {"reason": "Không thuộc thẩm quyền", "to_body": "", **arguments}
    if arguments.get("to_agency") == "self":
        arguments["to_agency"] = agency
    with pytest.raises(DomainError) as caught:
        services.feedback_forward(item=item, actor=specialist, **arguments)
    assert caught.value.field == field and snapshot(item) == before


def test_refusing_needs_a_reason_and_tells_the_citizen(agency, specialist, build_item):
    item = send(agency)
    with pytest.raises(DomainError):
        services.feedback_refuse(item=item, actor=specialist, reason="")
    item = services.feedback_refuse(item=item, actor=specialist, reason="Là đơn khiếu nại")
    row = fresh(item)
    assert (row.status, row.reason, row.finished_at is not None) == (Status.REFUSED, "Là đơn khiếu nại", True)
    assert "Là đơn khiếu nại" in Message.objects.get(channel="sms", key__contains=":refuse:").body


def test_asking_for_more_is_allowed_once_and_stops_the_clock(specialist, build_item, frozen):
    item = build_item("awaiting_info")
    row = fresh(item)
    assert (row.status, row.paused_at, row.info_requested_at) == (Status.AWAITING_INFO, frozen.moment, frozen.moment)
    assert "Ngày nào ông/bà đến?" in Message.objects.get(channel="email", key__contains=":request_info:").body
    item = services.feedback_receive_info(item=item, reply="Ngày 02/3", actor=specialist)
    before = snapshot(item)
    with pytest.raises(ConflictError) as caught:
        services.feedback_request_info(item=item, actor=specialist, question="Thêm nữa?")
    assert caught.value.code == "request_info_once" and snapshot(item) == before


def test_the_citizen_adds_information_without_an_account(build_item, frozen):
    item = build_item("awaiting_info")
    frozen.set(vn(2026, 3, 3, 8, 0))
    item = services.feedback_receive_info(item=item, reply="Tôi đến ngày 01/3.")
    event = fresh(item).events.get(action="receive_info")
    assert (event.actor, event.note, event.to_status) == (None, "Tôi đến ngày 01/3.", Status.PROCESSING)
    assert fresh(item).info_received_at == frozen.moment


def test_answering_opens_the_two_days_to_publish_and_tells_the_citizen(specialist, build_item, frozen):
    item = build_item("processing")
    frozen.set(vn(2026, 3, 6, 10, 0))
    item = services.feedback_answer(item=item, actor=specialist, answer="Đã nhắc nhở cán bộ.")
    row = fresh(item)
    assert (row.status, row.answered_at, row.finished_at) == (Status.ANSWERED, frozen.moment, frozen.moment)
    assert row.publish_due_at == vn(2026, 3, 10, 17, 0)
    assert "đã trả lời" in Message.objects.get(channel="sms", key__contains=":answer:").body


def test_answering_while_waiting_for_the_citizen_ends_the_wait(specialist, build_item, frozen):
    item = build_item("awaiting_info")
    frozen.set(vn(2026, 3, 3, 8, 0))
    item = services.feedback_answer(item=item, actor=specialist, answer="Trả lời theo thông tin đã có.")
    row = fresh(item)
    assert row.paused_at is None and row.paused_seconds == 8 * 3600 - 1800  # Mon 08:00 → Tue 08:00: 7 h 30


def test_the_citizen_reacts_to_the_answer_once(build_item):
    item = services.feedback_react(item=build_item("answered"), reaction="not_satisfied")
    assert fresh(item).reaction == "not_satisfied"
    with pytest.raises(ConflictError) as caught:
        services.feedback_react(item=item, reaction="satisfied")
    assert caught.value.code == "react_once" and fresh(item).reaction == "not_satisfied"
    with pytest.raises(DomainError):
        services.feedback_react(item=build_item("answered"), reaction="so-so")


def test_assigning_is_for_managers_and_to_the_units_officers(agency, head, specialist, receptionist, other_agency):
    item = send(agency)
    with pytest.raises(ForbiddenError):
        services.feedback_assign(item=item, actor=specialist, to_user=receptionist)
    outsider = UserFactory(agency=other_agency, role=Role.SPECIALIST, username="ngoai")
    with pytest.raises(DomainError) as caught:
        services.feedback_assign(item=item, actor=head, to_user=outsider)
    assert caught.value.code == "other_agency"
    item = services.feedback_assign(item=item, actor=head, to_user=receptionist)
    assert fresh(item).assignee == receptionist and fresh(item).status == Status.RECEIVED
    assert Message.objects.filter(recipient=receptionist, channel="inapp", key__contains=":assign:").exists()


@pytest.mark.parametrize("action", ["classify", "refuse", "answer", "publish"])
def test_an_officer_of_another_unit_may_not_touch_it(other_agency, build_item, action):
    outsider = UserFactory(agency=other_agency, role=Role.LEADER, username="lanhdao.ngoai")
    item = build_item("answered" if action == "publish" else ("processing" if action == "answer" else "received"))
    before = snapshot(item)
    arguments = {"classify": {"category": Category.RULE}, "refuse": {"reason": "x"}, "answer": {"answer": "x"},
                 "publish": {"public_question": "x", "public_answer": "y"}}[action]
    with pytest.raises(ForbiddenError):
        getattr(services, f"feedback_{action}")(item=item, actor=outsider, **arguments)
    assert snapshot(item) == before


def test_publishing_is_for_heads_and_leaders(specialist, build_item):
    item = build_item("answered")
    with pytest.raises(ForbiddenError):
        services.feedback_publish(item=item, actor=specialist, public_question="Câu hỏi", public_answer="Trả lời")


@pytest.mark.parametrize("state, action", [("refused", "classify"), ("published", "answer"), ("received", "publish"),
                                           ("forwarded", "refuse"), ("answered", "request_info")])
def test_an_illegal_move_is_a_conflict_and_changes_nothing(build_item, specialist, head, state, action):
    item = build_item(state)
    before = snapshot(item)
    arguments = {"classify": {"category": Category.RULE}, "answer": {"answer": "x"}, "refuse": {"reason": "x"},
                 "publish": {"public_question": "x", "public_answer": "y"}, "request_info": {"question": "x"}}[action]
    with pytest.raises(ConflictError) as caught:
        getattr(services, f"feedback_{action}")(item=item, actor=head, **arguments)
    assert caught.value.code == "invalid_transition" and snapshot(item) == before


def test_a_stale_page_cannot_move_it(agency, specialist):
    item = send(agency)
    services.feedback_classify(item=item, actor=specialist, category=Category.RULE)
    with pytest.raises(ConflictError) as caught:
        services.feedback_answer(item=item, actor=specialist, answer="x", expected_version=1)
    assert caught.value.code == "stale_version"
