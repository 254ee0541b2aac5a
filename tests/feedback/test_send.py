"""feedback_send: a citizen's feedback about a dossier, a procedure or a unit; its clock, its audit row,
its messages, and every refusal (which changes nothing)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Message
from feedback import services
from feedback.models import Feedback, Source, Subject
from feedback.workflow import Status
from mocua.accounts.models import Role
from mocua.errors import DomainError

from ..factories import UserFactory
from .conftest import SENDER, send, sender

pytestmark = pytest.mark.django_db


def test_a_feedback_about_the_unit_is_received_with_a_random_tracking_code(agency, frozen):
    item = send(agency)
    assert item.status == Status.RECEIVED and item.source == Source.PORTAL
    assert item.agency == agency and item.received_at == frozen.moment
    assert item.code.startswith("PA-260302-") and len(item.code) == len("PA-260302-") + services.CODE_RANDOM
    assert set(item.code[10:]) <= set(services.CODE_ALPHABET)
    assert (item.sender_name, item.sender_phone, item.sender_email) == (SENDER["name"], SENDER["phone"],
                                                                        SENDER["email"])
    event = item.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("send", "", "received", None)


def test_two_feedbacks_get_different_codes(agency):
    assert send(agency).code != send(agency).code


def test_a_feedback_about_a_dossier_goes_to_the_unit_that_received_it(build_dossier, other_agency):
    dossier = build_dossier("returned")
    item = send(other_agency, subject=Subject.DOSSIER, dossier=dossier)
    assert (item.agency, item.dossier, item.procedure) == (dossier.agency, dossier, dossier.procedure)


def test_a_feedback_about_a_procedure_needs_a_unit_that_handles_it(agency, other_agency, variant):
    item = send(agency, subject=Subject.PROCEDURE, procedure=variant.procedure)
    assert item.procedure == variant.procedure and item.agency == agency
    with pytest.raises(DomainError) as caught:
        send(other_agency, subject=Subject.PROCEDURE, procedure=variant.procedure)
    assert caught.value.field == "agency"


@pytest.mark.parametrize("changes, field", [
    ({"title": "  "}, "title"), ({"content": ""}, "content"), ({"content": "x" * 5001}, "content"),
    ({"subject": Subject.DOSSIER}, "dossier_code"), ({"subject": Subject.PROCEDURE}, "procedure"),
    ({"subject": "other"}, "subject"), ({"agency": None}, "agency"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(agency, changes, field):
    arguments = {"subject": Subject.UNIT, "title": "Tiêu đề", "content": "Nội dung", "agency": agency, **changes}
    with pytest.raises(DomainError) as caught:
        services.feedback_send(sender=sender(), **arguments)
    assert caught.value.field == field and caught.value.message
    assert not Feedback.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("changes, field", [
    ({"name": " "}, "sender_name"), ({"phone": "12345"}, "sender_phone"),
    ({"phone": "", "email": ""}, "sender_phone"), ({"address": ""}, "sender_address"),
])
def test_the_sender_must_be_reachable(agency, changes, field):
    with pytest.raises(DomainError) as caught:
        services.feedback_send(subject=Subject.UNIT, title="T", content="C", agency=agency, sender=sender(**changes))
    assert caught.value.field == field
    assert not Feedback.objects.exists()


def test_an_inactive_unit_receives_nothing(agency):
    agency.is_active = False
    agency.save()
    with pytest.raises(DomainError):
        send(agency)


def test_an_attachment_is_checked_by_its_content(agency):
    item = send(agency, upload=SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    assert item.attachment.name.endswith(".png") and item.attachment_type == "image/png"
    with pytest.raises(DomainError) as caught:
        send(agency, upload=SimpleUploadedFile("to-khai.pdf", b"<html>not a pdf</html>"))
    assert caught.value.field == "attachment"
    assert Feedback.objects.count() == 1


def test_the_citizen_gets_the_code_and_the_units_managers_a_message(agency, head, leader, specialist,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = send(agency)
    citizen = Message.objects.filter(recipient=None)
    assert {(m.channel, m.address) for m in citizen} == {("email", SENDER["email"]), ("sms", SENDER["phone"])}
    assert all(item.code in m.body and "/phan-anh/tra-cuu/" in m.body for m in citizen)
    staff = Message.objects.filter(channel="inapp")
    assert {m.recipient for m in staff} == {head, leader}  # who assigns it; not the specialist
    assert all(m.url == f"/can-bo/phan-anh/{item.pk}/" and item.code not in m.url for m in staff)


def test_an_assigned_item_tells_only_its_officer(agency, head, build_dossier, specialist):
    dossier = build_dossier("returned")
    UserFactory(agency=agency, role=Role.HEAD, department=specialist.department, username="truongphong.tp")
    item = services.feedback_open_from_rating(dossier=dossier, reason="Chờ lâu")
    ours = Message.objects.filter(channel="inapp", key__startswith=f"feedback:{item.pk}:")
    assert set(ours.values_list("recipient", flat=True)) == {item.assignee_id}
