"""The unit's feedback pages: the list (its query count with several rows, its filters), one item with
exactly the moves the officer may make, a move through the page, its refusals as messages, the file;
another unit's item is a 404 and the public is sent to the login."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback import services
from feedback.models import Feedback
from feedback.workflow import Category, Status
from mocua.accounts.models import Role

from ..factories import UserFactory
from .conftest import send

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_units_open_items_in_a_fixed_number_of_queries(client, agency, other_agency, specialist,
                                                                         django_assert_num_queries):
    mine = [send(agency, title=f"Phản ánh {n}") for n in range(4)]
    services.feedback_classify(item=mine[0], actor=specialist, category=Category.RULE)
    services.feedback_refuse(item=mine[1], actor=specialist, reason="Khiếu nại")
    send(other_agency, title="Của phường khác")
    client.force_login(specialist)
    # the user; the page of items with procedure, officer and dossier (one page holds them: no
    # count, mocua/paging.py); the bell
    with django_assert_num_queries(3):
        response = client.get("/can-bo/phan-anh/")
    page = response.content.decode()
    assert response.status_code == 200
    assert [i.code for i in response.context["page"].object_list] == [mine[3].code, mine[2].code, mine[0].code]
    assert "Của phường khác" not in page and "Phản ánh 1" not in page
    for n in range(10):
        send(agency, title=f"Thêm {n}")
    with django_assert_num_queries(3):
        assert len(client.get("/can-bo/phan-anh/").context["page"].object_list) == 13
    handled = client.get("/can-bo/phan-anh/", {"show": "handled"}).context["page"].object_list
    assert [i.code for i in handled] == [mine[1].code]
    assert list(client.get("/can-bo/phan-anh/", {"mine": "1"}).context["page"].object_list) == [
        Feedback.objects.get(pk=mine[0].pk)]


def test_the_item_page_offers_exactly_the_allowed_moves(client, agency, specialist, head):
    item = send(agency)
    client.force_login(specialist)
    page = client.get(f"/can-bo/phan-anh/{item.pk}/")
    assert [a for a, _, _ in page.context["move_forms"]] == ["classify", "forward", "refuse"]
    client.force_login(head)
    page = client.get(f"/can-bo/phan-anh/{item.pk}/")
    assert [a for a, _, _ in page.context["move_forms"]] == ["assign", "classify", "forward", "refuse"]
    html = page.content.decode()
    assert item.sender_phone in html and "Hạn từ chối tiếp nhận" in html


def test_a_move_through_the_page(client, agency, specialist):
    item = send(agency)
    client.force_login(specialist)
    response = client.post(f"/can-bo/phan-anh/{item.pk}/thao-tac/classify/",
                           {"classify-category": "conduct", "classify-version": item.version}, follow=True)
    assert response.redirect_chain[-1][0] == f"/can-bo/phan-anh/{item.pk}/"
    assert "Đã thực hiện: Phân loại, thụ lý." in response.content.decode()
    assert Feedback.objects.get(pk=item.pk).status == Status.PROCESSING


def test_a_refused_move_is_a_vietnamese_message_and_changes_nothing(client, agency, specialist):
    item = send(agency)
    client.force_login(specialist)
    response = client.post(f"/can-bo/phan-anh/{item.pk}/thao-tac/refuse/", {"refuse-reason": ""}, follow=True)
    assert "Từ chối tiếp nhận: Lý do: Trường này là bắt buộc." in response.content.decode()
    response = client.post(f"/can-bo/phan-anh/{item.pk}/thao-tac/publish/",
                           {"publish-public_question": "a", "publish-public_answer": "b"}, follow=True)
    assert "Không thể “Công khai kết quả trả lời” khi phản ánh ở trạng thái “Mới tiếp nhận”." in \
        response.content.decode()
    assert Feedback.objects.get(pk=item.pk).status == Status.RECEIVED
    assert client.post(f"/can-bo/phan-anh/{item.pk}/thao-tac/xoa/").status_code == 404


def test_the_publish_form_offers_anonymised_drafts(client, agency, specialist, head, build_item):
    item = build_item("answered", content=f"Tôi là Phạm Thị Dung, số 0987654321. Cán bộ {specialist.full_name} chậm.")
    client.force_login(head)
    form = dict((a, f) for a, _, f in client.get(f"/can-bo/phan-anh/{item.pk}/").context["move_forms"])["publish"]
    assert form.initial["public_question"] == "Tôi là [đã ẩn tên], số [đã ẩn]. Cán bộ [đã ẩn tên] chậm."


def test_another_units_item_and_its_file_are_404(client, agency, other_agency):
    item = send(agency, upload=SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    outsider = UserFactory(agency=other_agency, role=Role.LEADER, username="lanhdao.ngoai")
    client.force_login(outsider)
    for url in (f"/can-bo/phan-anh/{item.pk}/", f"/can-bo/phan-anh/{item.pk}/tep/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/can-bo/phan-anh/{item.pk}/thao-tac/classify/", {"classify-category": "rule"}).status_code \
        == 404
    assert Feedback.objects.get(pk=item.pk).status == Status.RECEIVED


def test_the_file_is_served_to_the_unit(client, agency, specialist):
    item = send(agency, upload=SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20))
    client.force_login(specialist)
    response = client.get(f"/can-bo/phan-anh/{item.pk}/tep/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client.get(f"/can-bo/phan-anh/{send(agency).pk}/tep/").status_code == 404


@pytest.mark.parametrize("url", ["/can-bo/phan-anh/", "/lanh-dao/phan-anh/", "/lanh-dao/chi-tieu/",
                                 "/lanh-dao/xep-hang/"])
def test_the_public_is_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
