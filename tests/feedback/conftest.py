"""Feedback fixtures: a unit with staff of every role (tests/conftest.py), dossiers built by the real
services (tests/dossiers/conftest.py), and feedback items brought to any state by the real services."""

import pytest

from feedback import services
from feedback.models import Subject
from feedback.workflow import Category

from ..dossiers.conftest import build_dossier, frozen, make_intake, variant, vn  # noqa: F401

SENDER = dict(name="Phạm Thị Dung", phone="0987654321", email="dung@example.com",
              address="5 Trần Phú, phường Hạc Thành")
# What the sender gave and must never reach a public page or endpoint.
PRIVATE = ["Phạm Thị Dung", "0987654321", "987654321", "dung@example.com", "5 Trần Phú"]


def sender(**overrides) -> services.Sender:
    return services.Sender(**{**SENDER, **overrides})


def send(agency, *, subject=Subject.UNIT, title="Cán bộ hướng dẫn chưa rõ", content="Tôi phải đi lại ba lần.",
         **kwargs):
    return services.feedback_send(subject=subject, title=title, content=content, sender=sender(),
                                  agency=agency, **kwargs)


# Every state the services reach, with the moves that lead there.
STATES = ("received", "processing", "awaiting_info", "answered", "published", "refused", "forwarded")


@pytest.fixture
def build_item(agency, specialist, head, other_agency):
    """build_item(state) → a feedback item at the unit, brought to `state` by the real services."""

    def build(state: str, **kwargs):
        item = send(agency, **kwargs)
        if state == "received":
            return item
        if state == "refused":
            return services.feedback_refuse(item=item, actor=specialist, reason="Là đơn khiếu nại, không phải phản ánh")
        if state == "forwarded":
            return services.feedback_forward(item=item, actor=specialist, to_agency=other_agency,
                                             reason="Thuộc thẩm quyền phường Quảng Phú")
        item = services.feedback_classify(item=item, actor=specialist, category=Category.CONDUCT)
        if state == "processing":
            return item
        if state == "awaiting_info":
            return services.feedback_request_info(item=item, actor=specialist, question="Ngày nào ông/bà đến?")
        item = services.feedback_answer(item=item, actor=specialist, answer="Đơn vị đã nhắc nhở cán bộ.")
        if state == "answered":
            return item
        assert state == "published", state
        return services.feedback_publish(item=item, actor=head, public_question="Cán bộ hướng dẫn chưa rõ.",
                                         public_answer="Đơn vị đã nhắc nhở cán bộ.")

    return build
