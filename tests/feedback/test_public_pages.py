"""The citizen's feedback pages: send one (about a dossier with its code and PIN, or just after looking it
up; about a procedure; about a unit), get the tracking code, follow it from the lookup page, add what is
asked, react to the answer; the published answers on the procedure's page and in the public list,
anonymised. The code travels in POST bodies only; wrong codes are counted and limited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Message
from feedback import services
from feedback.models import Feedback, Subject
from feedback.workflow import Category, Status

from ..public.conftest import CSRF_INPUT, look_up
from .conftest import PRIVATE, SENDER, send

pytestmark = pytest.mark.django_db


def form(**changes) -> dict:
    return {"subject": Subject.UNIT, "title": "Quầy đông", "content": "Sáng thứ Hai chỉ có một quầy.",
            "sender_name": SENDER["name"], "sender_phone": SENDER["phone"], "sender_email": SENDER["email"],
            "sender_address": SENDER["address"], "consent": "on", **changes}


def test_sending_about_a_unit_gives_the_tracking_code_and_never_puts_it_in_an_address(client, agency):
    response = client.post("/phan-anh/gui/", form(agency=agency.pk))
    item = Feedback.objects.get()
    page = response.content.decode()
    assert response.status_code == 200 and item.code in page and "Thời hạn trả lời" in page
    assert (item.agency, item.subject, item.title) == (agency, Subject.UNIT, "Quầy đông")
    assert "Location" not in response


def test_sending_about_a_dossier_needs_its_code_and_pin(client, build_dossier):
    dossier = build_dossier("returned")
    wrong = client.post("/phan-anh/gui/", form(subject=Subject.DOSSIER, dossier_code=dossier.code,
                                                dossier_pin="SAIMA123"))
    assert wrong.status_code == 400 and "Mã hồ sơ hoặc mã tra cứu không đúng." in wrong.content.decode()
    assert not Feedback.objects.exists()
    right = client.post("/phan-anh/gui/", form(subject=Subject.DOSSIER, dossier_code=dossier.code.lower(),
                                                dossier_pin=dossier.pin))
    assert right.status_code == 200
    assert Feedback.objects.get().dossier == dossier


def test_just_after_the_lookup_the_dossier_code_is_enough(client, build_dossier):
    dossier = build_dossier("returned")
    result = look_up(client, dossier.code, dossier.pin).content.decode()
    assert f"/phan-anh/gui/?ho-so={dossier.code}" in result
    page = client.get("/phan-anh/gui/", {"ho-so": dossier.code})
    assert page.context["form"].initial["dossier_code"] == dossier.code
    response = client.post("/phan-anh/gui/", form(subject=Subject.DOSSIER, dossier_code=dossier.code))
    assert response.status_code == 200 and Feedback.objects.get().dossier == dossier


def test_sending_about_a_procedure_from_its_page(client, agency, variant):
    procedure = variant.procedure
    detail = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert f"/phan-anh/gui/?thu-tuc={procedure.code}" in detail
    initial = client.get("/phan-anh/gui/", {"thu-tuc": procedure.code}).context["form"].initial
    assert (initial["subject"], initial["procedure"]) == (Subject.PROCEDURE, str(procedure.pk))
    client.post("/phan-anh/gui/", form(subject=Subject.PROCEDURE, procedure=procedure.pk, agency=agency.pk))
    assert Feedback.objects.get().procedure == procedure


def test_a_mistake_keeps_what_was_typed_and_names_the_field(client, agency):
    response = client.post("/phan-anh/gui/", form(agency=agency.pk, sender_phone="123", sender_email=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số điện thoại không phải số điện thoại Việt Nam hợp lệ" in page and "Sáng thứ Hai chỉ có một quầy." in page
    response = client.post("/phan-anh/gui/", form(agency=agency.pk, consent=""))
    assert "Cần đồng ý cho xử lý thông tin cá nhân để gửi phản ánh." in response.content.decode()
    response = client.post("/phan-anh/gui/", form(agency=agency.pk, attachment=SimpleUploadedFile("a.pdf", b"no")),
                           format="multipart")
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert not Feedback.objects.exists()


def test_sending_is_limited_per_client(client, agency, settings):
    settings.FEEDBACK_PER_HOUR = 2
    codes = [client.post("/phan-anh/gui/", form(agency=agency.pk)).status_code for _ in range(3)]
    assert codes == [200, 200, 429] and Feedback.objects.count() == 2


def test_the_lookup_page_follows_a_feedback_by_its_code(client, agency, specialist, build_item):
    item = build_item("answered")
    lookup = client.get("/tra-cuu/").content.decode()
    assert 'action="/phan-anh/tra-cuu/"' in lookup and "Tra cứu phản ánh, kiến nghị" in lookup
    response = client.post("/phan-anh/tra-cuu/", {"code": f" {item.code.lower()} "})
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert "Đã trả lời, chờ công khai" in page and "Đơn vị đã nhắc nhở cán bộ." in page
    assert "P*** T** D***" in page
    for private in PRIVATE:
        assert private not in page, private
    assert specialist.full_name not in page
    assert client.get("/phan-anh/tra-cuu/", {"code": item.code}).content.decode().count(
        "Đơn vị đã nhắc nhở cán bộ.") == 0


def test_a_wrong_code_is_a_404_and_too_many_are_a_429(client, agency, settings):
    settings.LOOKUP_CLIENT_FAILURES = 2
    item = send(agency)
    assert client.post("/phan-anh/tra-cuu/", {"code": "PA-260302-AAAAAAAA"}).status_code == 404
    assert client.post("/phan-anh/tra-cuu/", {"code": item.code}).status_code == 200  # a right one is given back
    assert client.post("/phan-anh/tra-cuu/", {"code": "PA-260302-BBBBBBBB"}).status_code == 404
    response = client.post("/phan-anh/tra-cuu/", {"code": item.code})
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()


def test_the_citizen_adds_the_information_asked_for(client, build_item):
    item = build_item("awaiting_info")
    page = client.post("/phan-anh/tra-cuu/", {"code": item.code}).content.decode()
    assert "Ngày nào ông/bà đến?" in page and 'action="/phan-anh/tra-cuu/bo-sung/"' in page
    response = client.post("/phan-anh/tra-cuu/bo-sung/", {"code": item.code, "reply": "Ngày 02/3/2026"})
    assert response.status_code == 200 and "Đã gửi thông tin bổ sung." in response.content.decode()
    assert Feedback.objects.get(pk=item.pk).status == Status.PROCESSING
    again = client.post("/phan-anh/tra-cuu/bo-sung/", {"code": item.code, "reply": "Lần nữa"})
    assert again.status_code == 409 and "Không thể" in again.content.decode()


def test_the_citizen_says_whether_the_answer_satisfies(client, build_item):
    item = build_item("published")
    page = client.post("/phan-anh/tra-cuu/", {"code": item.code}).content.decode()
    assert 'name="reaction" value="not_satisfied"' in page
    response = client.post("/phan-anh/tra-cuu/danh-gia/", {"code": item.code, "reaction": "not_satisfied"})
    assert "Không hài lòng với kết quả trả lời" in response.content.decode()
    assert Feedback.objects.get(pk=item.pk).reaction == "not_satisfied"
    assert client.post("/phan-anh/tra-cuu/danh-gia/", {"code": "PA-X", "reaction": "satisfied"}).status_code == 404


def test_a_forwarded_item_names_where_it_went_and_its_new_code(client, build_item, other_agency):
    item = build_item("forwarded")
    copy = Feedback.objects.get(forwarded_from=item)
    page = client.post("/phan-anh/tra-cuu/", {"code": item.code}).content.decode()
    assert other_agency.name in page and copy.code in page


@pytest.fixture
def published(agency, specialist, head, variant):
    item = send(agency, subject=Subject.PROCEDURE, procedure=variant.procedure,
                content="Tôi là Phạm Thị Dung, đề nghị niêm yết lệ phí.")
    item = services.feedback_classify(item=item, actor=specialist, category=Category.RULE)
    item = services.feedback_answer(item=item, actor=specialist, answer="Kính gửi bà Phạm Thị Dung: đã niêm yết.")
    return services.feedback_publish(item=item, actor=head, public_question="Đề nghị niêm yết lệ phí.",
                                     public_answer="Đơn vị đã niêm yết lệ phí.")


def test_the_procedure_page_shows_its_published_answers_anonymised(client, published, variant):
    page = client.get(f"/thu-tuc/{variant.procedure.code}/").content.decode()
    assert "Đề nghị niêm yết lệ phí." in page and "Đơn vị đã niêm yết lệ phí." in page
    for private in PRIVATE:
        assert private not in page, private
    assert published.code not in page


def test_the_public_list_of_published_answers(client, published, agency, build_item, django_assert_num_queries):
    build_item("answered")  # answered, not published: not listed
    for _ in range(3):
        build_item("published")
    # the units for the filter; the count; the page of answers with unit and procedure
    with django_assert_num_queries(3):
        response = client.get("/phan-anh/")
    page = response.content.decode()
    assert len(response.context["page"].object_list) == 4 and "Đơn vị đã niêm yết lệ phí." in page
    for private in PRIVATE:
        assert private not in page, private
    assert len(client.get("/phan-anh/", {"thu-tuc": published.procedure.code}).context["page"].object_list) == 1


def test_the_form_posts_its_csrf_token(client):
    assert CSRF_INPUT.search(client.get("/phan-anh/gui/").content)
    assert Message.objects.count() == 0
