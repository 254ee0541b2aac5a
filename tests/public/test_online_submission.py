"""Online submission /thu-tuc/<code>/nop-truc-tuyen/: only for procedures marked online; the
citizen gets the code and PIN on screen and by e-mail; the dossier waits as "submitted" in the
counter's queue; accepting starts the clock, rejecting shows the reason on the lookup page."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import pins, selectors, services
from dossiers.models import Dossier
from dossiers.workflow import Status
from procedures.models import OnlineLevel

from ..factories import full_variant
from .conftest import look_up, shown_pin

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def online(variant):
    variant.procedure.online_level = OnlineLevel.FULL
    variant.procedure.save()
    return variant


def url(variant) -> str:
    return f"/thu-tuc/{variant.procedure.code}/nop-truc-tuyen/"


def form_data(variant, agency, **changes) -> dict:
    mandatory = variant.documents.get(mandatory=True)
    data = {"variant": variant.pk, "agency": agency.pk, "applicant_name": "Phạm Thị Dung",
            "applicant_id_number": "038190009999", "applicant_phone": "0987654321",
            "applicant_email": "dung@example.com", "applicant_address": "5 Trần Phú", "return_method": "counter",
            "return_address": "", "consent": "on",
            f"doc_{mandatory.pk}": SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_asks_for_the_papers_with_a_privacy_notice(client, online):
    response = client.get(url(online))
    assert response.status_code == 200
    page = response.content.decode()
    for document in online.documents.all():
        assert document.name in page
    assert 'enctype="multipart/form-data"' in page
    assert "Điện thoại" in page and "Thư điện tử" in page
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in page
    assert page.index("91/2025/QH15") < page.index('name="consent"')


def test_a_counter_only_procedure_refuses_online_submission(client, variant, agency):
    assert variant.procedure.online_level == OnlineLevel.NONE
    response = client.get(url(variant))
    assert response.status_code == 404
    assert "Thủ tục này không nhận hồ sơ trực tuyến" in response.content.decode()
    response = client.post(url(variant), form_data(variant, agency))
    assert response.status_code == 404
    assert Dossier.objects.count() == 0


def test_an_unknown_or_inactive_procedure_is_not_found(client, online):
    assert client.get("/thu-tuc/9.999999/nop-truc-tuyen/").status_code == 404
    online.procedure.is_active = False
    online.procedure.save()
    assert client.get(url(online)).status_code == 404


def test_a_submission_gives_code_and_pin_on_screen_and_by_email(client, online, agency, receptionist,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(online), form_data(online, agency))

    assert response.status_code == 200
    dossier = Dossier.objects.get()
    page = response.content.decode()
    pin = shown_pin(response)
    assert f'id="dossier-code">{dossier.code}<' in page and re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", pin)
    # Shown once: at rest only its keyed hash, never the clear PIN (an online dossier has no receipt yet).
    assert (dossier.pin, dossier.pin_hash) == ("", pins.pin_hash(pin))
    assert (dossier.status, dossier.channel, dossier.agency, dossier.received_at) == (
        Status.SUBMITTED, "online", agency, None)
    paper = dossier.documents.get(mandatory=True)
    assert (paper.provided, paper.content_type, paper.digitisation) == (True, "application/pdf", "scanned")
    [email] = [m for m in mail.outbox if m.to == ["dung@example.com"]]
    assert dossier.code in email.subject and pin in email.body and "/tra-cuu/ma/" in email.body
    assert list(selectors.dossier_counter_queue(user=receptionist)) == [dossier]


def test_accepting_starts_the_clock_and_the_lookup_shows_it(client, online, agency, receptionist):
    pin = shown_pin(client.post(url(online), form_data(online, agency)))
    dossier = Dossier.objects.get()
    assert "Chưa tiếp nhận" in look_up(client, dossier.code, pin).content.decode()

    services.dossier_accept_online(dossier=dossier, actor=receptionist)

    dossier.refresh_from_db()
    assert dossier.received_at is not None and dossier.due_at > dossier.received_at
    page = look_up(client, dossier.code, pin).content.decode()
    assert "Được tiếp nhận" in page and "Chưa tiếp nhận" not in page  # the national status name


def test_a_rejection_reason_reaches_the_lookup_page(client, online, agency, receptionist):
    pin = shown_pin(client.post(url(online), form_data(online, agency)))
    dossier = Dossier.objects.get()
    services.dossier_reject_online(dossier=dossier, actor=receptionist, reason="Ảnh tờ khai bị mờ")
    page = look_up(client, dossier.code, pin).content.decode()
    assert "Ảnh tờ khai bị mờ" in page and "Không được tiếp nhận" in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"applicant_name": ""}, "applicant_name", "Trường này là bắt buộc."),
    ({"applicant_id_number": "12345"}, "applicant_id_number", "phải gồm đúng 12 chữ số"),
    ({"applicant_phone": "12345"}, "applicant_phone", "không phải số điện thoại Việt Nam hợp lệ"),
    ({"applicant_email": "not-an-email"}, "applicant_email", "Nhập một địa chỉ email hợp lệ."),
    ({"consent": None}, "consent", "Cần đồng ý cho xử lý thông tin cá nhân để nộp hồ sơ trực tuyến."),
    ({"return_method": "post"}, "return_address", "Cần nhập địa chỉ nhận kết quả qua bưu chính."),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(client, online, agency, changes, field, message):
    response = client.post(url(online), form_data(online, agency, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors or "__all__" in errors
    assert message in response.content.decode()
    assert Dossier.objects.count() == 0


def test_missing_mandatory_papers_are_all_named_at_once_and_marked(client, online, agency):
    """Issue 22, item 12: each mandatory paper's file field is marked, and all missing ones are
    listed in one answer (not one per try)."""
    from ..factories import DocumentFactory

    mandatory = online.documents.get(mandatory=True)
    data = form_data(online, agency, **{f"doc_{mandatory.pk}": None})
    second = DocumentFactory(variant=online, name="Giấy xác nhận cư trú", order=9)  # mandatory by default
    response = client.post(url(online), data)
    page = response.content.decode()
    assert f"Còn thiếu 2 giấy tờ bắt buộc: {mandatory.name}; Giấy xác nhận cư trú." in page
    errors = response.context["form"].errors
    assert errors[f"doc_{mandatory.pk}"] == errors[f"doc_{second.pk}"] == ["Giấy tờ bắt buộc: cần tải lên tệp."]
    assert Dossier.objects.count() == 0
    blank = client.get(url(online)).content.decode()
    assert blank.count("(bắt buộc)") == online.documents.filter(mandatory=True).count() == 2
    assert blank.count("(nếu có)") == online.documents.filter(mandatory=False).count()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("to-khai.pdf", b"<html><script>alert(1)</script></html>", "không phải PDF, JPEG hoặc PNG"),
    ("to-khai.html", PDF, "không phải PDF, JPEG hoặc PNG"),  # a PDF named to be served as a page
    ("anh.png", b"\xff\xd8\xff\xe0JFIF", "không phải PDF, JPEG hoặc PNG"),  # a JPEG claiming to be a PNG
])
def test_uploads_that_are_not_what_they_claim_are_refused(client, online, agency, name, content, message):
    mandatory = online.documents.get(mandatory=True)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(url(online), form_data(online, agency, **{f"doc_{mandatory.pk}": upload}))
    assert message in response.content.decode()
    assert response.context["form"].errors[f"doc_{mandatory.pk}"]
    assert Dossier.objects.count() == 0


def test_an_oversized_upload_is_refused(client, online, agency, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    mandatory = online.documents.get(mandatory=True)
    upload = SimpleUploadedFile("to-khai.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client.post(url(online), form_data(online, agency, **{f"doc_{mandatory.pk}": upload}))
    assert "quá lớn (tối đa 1 MB)" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_markup_in_a_name_is_kept_as_text(client, online, agency, receptionist):
    pin = shown_pin(client.post(url(online), form_data(online, agency, applicant_name="<b>Dung</b>")))
    dossier = Dossier.objects.get()
    assert dossier.applicant_name == "<b>Dung</b>"
    page = look_up(client, dossier.code, pin).content.decode()
    assert dossier.code in page and "<b>" not in page.split("<main", 1)[1]


def test_submissions_are_rate_limited_per_client(client, online, agency, settings):
    settings.SUBMIT_PER_HOUR = 2
    answers = [client.post(url(online), form_data(online, agency)).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert Dossier.objects.count() == 2


def test_only_the_agencies_handling_the_procedure_are_offered(client, online, agency, other_agency):
    response = client.post(url(online), form_data(online, other_agency))
    assert "agency" in response.context["form"].errors
    assert Dossier.objects.count() == 0


def test_the_procedure_page_links_to_the_form_only_when_online(client, online):
    counter_only = full_variant(code="1.000001", name="Chứng thực bản sao")
    assert url(online) in client.get(f"/thu-tuc/{online.procedure.code}/").content.decode()
    assert "nop-truc-tuyen" not in client.get(f"/thu-tuc/{counter_only.procedure.code}/").content.decode()


def test_the_citizen_asks_for_the_result_by_post_with_the_address(client, online, agency):
    # Issue 24, item 3: an online submission can ask for the result by public post (Decision 45/2016).
    page = client.get(url(online)).content.decode()
    assert 'name="return_method"' in page and 'value="post"' in page and 'name="return_address"' in page
    address = "Số 7 ngõ 12 Lê Lai, phường Hạc Thành, tỉnh Thanh Hóa"
    response = client.post(url(online), form_data(online, agency, return_method="post", return_address=address))
    assert response.status_code in (200, 302)
    dossier = Dossier.objects.get()
    assert (dossier.return_method, dossier.return_address) == ("post", address)
