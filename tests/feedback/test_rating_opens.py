"""A "not satisfied" rating with its reason opens a feedback item about the dossier in the rating's own
transaction, assigned to the head who answers for the department that handled it (the 766 index
counts it as feedback); the citizen is told its tracking code."""

import pytest

from dossiers.models import Message
from feedback.models import Feedback, Source, Subject
from feedback.workflow import Status
from mocua.accounts.models import Role
from ratings import services as rating_services
from ratings.models import Level, Rating

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def rate(dossier, level=Level.NOT_SATISFIED, reason="Phải đi lại ba lần"):
    return rating_services.rating_submit(dossier=dossier, level=level, channel="link", reason=reason)


def test_not_satisfied_opens_a_feedback_assigned_to_the_handling_departments_head(
        agency, build_dossier, specialist, leader, frozen):
    head = UserFactory(agency=agency, role=Role.HEAD, department=specialist.department, username="tp.tuphap")
    UserFactory(agency=agency, role=Role.HEAD, username="tp.khac")
    dossier = build_dossier("returned")
    rating = rate(dossier)
    item = Feedback.objects.get()
    assert rating.feedback == item
    assert (item.source, item.subject, item.dossier, item.agency, item.procedure) == (
        Source.RATING, Subject.DOSSIER, dossier, dossier.agency, dossier.procedure)
    assert (item.status, item.assignee, item.content, item.received_at) == (
        Status.RECEIVED, head, "Phải đi lại ba lần", rating.created_at)
    assert (item.sender_name, item.sender_phone) == (dossier.applicant_name, dossier.applicant_phone)
    assert item.events.get().action == "open_from_rating"
    sms = Message.objects.get(key__startswith=f"feedback:{item.pk}:received", channel="sms")
    assert item.code in sms.body and sms.address == dossier.applicant_phone


def test_without_a_head_the_units_leader_takes_it(build_dossier, leader):
    rate(build_dossier("returned"))
    assert Feedback.objects.get().assignee == leader


@pytest.mark.parametrize("level", [Level.VERY_SATISFIED, Level.SATISFIED])
def test_a_satisfied_rating_opens_nothing(build_dossier, level):
    assert rate(build_dossier("returned"), level=level, reason="").feedback is None
    assert not Feedback.objects.exists()


def test_a_rating_refused_opens_nothing(build_dossier):
    dossier = build_dossier("returned")
    rate(dossier)
    with pytest.raises(rating_services.AlreadyRated):
        rate(dossier)
    assert Feedback.objects.count() == 1 and Rating.objects.count() == 1


def test_the_online_rating_page_gives_the_tracking_code(client, build_dossier):
    from ..public.conftest import look_up

    dossier = build_dossier("returned")
    look_up(client, dossier.code, dossier.pin)
    response = client.post(f"/danh-gia/ho-so/{dossier.code}/", {"level": "not_satisfied", "reason": "Chờ lâu"})
    assert response.status_code == 200
    assert Feedback.objects.get().code in response.content.decode()


def test_the_rating_api_answers_with_the_tracking_code(client, build_dossier):
    dossier = build_dossier("returned")
    response = client.post("/api/v1/ratings/", {"code": dossier.code, "pin": dossier.pin, "level": "not_satisfied",
                                                "reason": "Chờ lâu"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["feedback_code"] == Feedback.objects.get().code
    other = build_dossier("returned")
    response = client.post("/api/v1/ratings/", {"code": other.code, "pin": other.pin, "level": "satisfied"},
                           content_type="application/json")
    assert response.json()["feedback_code"] is None
