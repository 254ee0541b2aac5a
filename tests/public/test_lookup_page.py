"""The public lookup page /tra-cuu/: code + PIN in a POST body unlock one masked dossier: status,
procedure, agency, dates, public timeline, what is missing, how the result comes back."""

import pytest
from django.utils import timezone

from dossiers import apology, services
from dossiers.models import ReturnMethod

from .conftest import PRIVATE, look_up, unlocked

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_the_form_posts_and_a_pin_in_the_query_string_unlocks_nothing(client, build_dossier):
    dossier = build_dossier("processing")

    response = client.get("/tra-cuu/", {"code": dossier.code, "pin": dossier.pin})

    assert response.status_code == 200
    page = html(response)
    assert 'method="post"' in page and 'action="/tra-cuu/"' in page
    assert "Đang xử lý" not in page and "T*** T** B***" not in page
    assert unlocked(client) == []


def test_code_and_pin_show_the_masked_dossier(client, build_dossier, specialist, receptionist, agency):
    dossier = build_dossier("processing")

    response = look_up(client, dossier.code, dossier.pin)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")  # never_cache: no shared cache keeps it
    page = html(response)
    for shown in (dossier.code, "Đang xử lý", "Đăng ký khai sinh", agency.name, "T*** T** B***",
                  timezone.localtime(dossier.received_at).strftime("%H:%M %d/%m/%Y"),
                  timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"), "Tại Bộ phận Một cửa"):
        assert shown in page, shown
    for private in PRIVATE:
        assert private not in page, private


def test_the_code_is_forgiving_about_case_and_spaces(client, build_dossier):
    dossier = build_dossier("received")
    response = look_up(client, f"  {dossier.code.lower()} ", dossier.pin.lower())
    assert response.status_code == 200 and dossier.code in html(response)


def test_the_timeline_names_steps_and_units_never_officers(client, build_dossier, specialist, receptionist,
                                                           leader):
    dossier = build_dossier("returned")

    page = html(look_up(client, dossier.code, dossier.pin))

    steps = list(dossier.steps.select_related("to_department").order_by("started_at", "pk"))
    assert len(steps) >= 3
    for step in steps:
        assert step.step_name in page
        assert step.to_department.name in page
    for officer in (specialist, receptionist, leader):
        assert officer.full_name not in page and officer.username not in page and officer.email not in page
    # Who collected the result, and their ID, are the citizen's private data too.
    assert "Trần Thị Bình" not in page and "038190001234" not in page


def test_a_supplement_request_shows_what_is_missing_and_why(client, build_dossier):
    dossier = build_dossier("awaiting_supplement")
    page = html(look_up(client, dossier.code, dossier.pin))
    assert "Yêu cầu bổ sung giấy tờ" in page
    assert "Cần bổ sung" in page and "Giấy chứng sinh" in page
    assert "Thiếu giấy" in page


def test_missing_papers_are_not_shown_once_they_arrived(client, build_dossier, specialist):
    dossier = build_dossier("awaiting_supplement")
    services.dossier_receive_supplement(dossier=dossier, actor=specialist)
    page = html(look_up(client, dossier.code, dossier.pin))
    assert "Đang xử lý" in page and "Giấy chứng sinh" not in page


def test_how_the_result_comes_back(client, build_dossier):
    dossier = build_dossier("processing", return_method=ReturnMethod.POST,
                            return_address="Hộp thư 7, Bưu điện Hạc Thành")
    page = html(look_up(client, dossier.code, dossier.pin))
    assert "Qua bưu chính công ích" in page
    assert "Hộp thư 7" not in page  # an address, even for the post, is private


def test_the_rejection_reason_of_an_online_dossier_is_shown(client, submit_online, receptionist):
    dossier = submit_online()
    services.dossier_reject_online(dossier=dossier, actor=receptionist, reason="Tờ khai không có chữ ký")
    page = html(look_up(client, dossier.code, dossier.new_pin))
    assert "Không được tiếp nhận" in page and "Tờ khai không có chữ ký" in page
    assert "Lê Văn Cường" not in page and "0934567890" not in page and "cuong@example.com" not in page


def test_markup_in_a_reason_is_shown_as_text(client, submit_online, receptionist):
    dossier = submit_online()
    services.dossier_reject_online(dossier=dossier, actor=receptionist, reason="<script>alert(1)</script>")
    page = html(look_up(client, dossier.code, dossier.new_pin))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_wrong_pin_shows_the_form_again_with_a_vietnamese_message(client, build_dossier):
    dossier = build_dossier("processing")
    response = look_up(client, dossier.code, "WRONGPIN")
    assert response.status_code == 200
    page = html(response)
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." in page
    assert "Đăng ký khai sinh" not in page and "Đang xử lý" not in page
    assert unlocked(client) == []


def test_a_wrong_pin_keeps_the_code_and_says_the_tries_left(client, build_dossier, settings):
    """Issue 22, item 11: the citizen retypes the PIN only, and knows when the pause comes; an unknown
    code reads exactly alike (the count is the client's, on the code typed)."""
    settings.LOOKUP_CLIENT_CODE_FAILURES, settings.LOOKUP_CLIENT_FAILURES = 5, 10
    dossier = build_dossier("processing")
    first = look_up(client, dossier.code, "WRONGPIN")
    form = first.context["form"]
    assert form["code"].value() == dossier.code and not form["pin"].value()
    assert "Bạn còn 4 lần thử trước khi phải tạm dừng ít phút." in html(first)
    assert "WRONGPIN" not in html(first)
    second = look_up(client, dossier.code, "WRONGPIN")
    assert "Bạn còn 3 lần thử" in html(second)
    unknown = look_up(client, dossier.code[:-4] + "9999", "WRONGPIN")
    assert "Bạn còn 4 lần thử" in html(unknown)  # a fresh code: its own count of five
    for _ in range(3):
        last = look_up(client, dossier.code, "WRONGPIN")
    assert "Bạn đã hết lượt thử" in html(last)
    assert look_up(client, dossier.code, dossier.pin).status_code == 429


def test_a_lookup_reads_three_queries_whatever_the_dossier_holds(client, build_dossier, django_assert_num_queries):
    """The PIN by code, the dossier with its agency and rating, its timeline: no field the page
    shows is read later, one at a time (the dossier is loaded with only the public columns)."""
    from ratings.models import Level, RatingChannel
    from ratings.services import rating_submit

    dossier = build_dossier("returned")
    rating_submit(dossier=dossier, level=Level.SATISFIED, channel=RatingChannel.LOOKUP)
    steps = list(dossier.steps.select_related("to_department").order_by("started_at", "pk"))

    with django_assert_num_queries(3):
        page = html(look_up(client, dossier.code, dossier.pin))

    assert "Hồ sơ đã được đánh giá lúc" in page and "Hài lòng" in page
    assert len(steps) >= 3 and all(s.to_department.name in page and s.step_name in page for s in steps)
    assert dossier.agency.name in page and "Đã trả kết quả" in page


def test_the_timeline_reads_as_utc_when_the_database_gives_naive_times():
    """SQLite (the demo) returns plain SQL datetimes naive, in UTC as stored; PostgreSQL aware ones.
    The timeline must be aware either way, or the page would print UTC as local time."""
    import datetime as dt

    from dossiers.public import lookup

    naive = dt.datetime(2026, 12, 1, 6, 30)
    aware = dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))

    assert lookup._aware(naive) == dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC) == aware
    assert lookup._aware(aware) is aware and lookup._aware(None) is None


def test_a_reassignment_inside_a_step_is_not_a_second_step(client, build_dossier, specialist, receptionist):
    """Issue 22, item 14: the public timeline shows each step once, with the unit that handled it."""
    from ..factories import UserFactory

    dossier = build_dossier("processing")
    colleague = UserFactory(agency=specialist.agency, department=specialist.department, role=specialist.role)
    services.dossier_hand_over(dossier=dossier, actor=specialist, to_user=colleague, next_step=False)
    assert dossier.steps.count() == 3  # reception, the specialist's step, its reassignment

    view = look_up(client, dossier.code, dossier.pin).context["view"]
    names = [step["step"] for step in view["timeline"]]
    assert len(names) == 2 and len(set(names)) == 2, names
    assert view["timeline"][1]["unit"] == specialist.department.name and view["timeline"][1]["finished_at"] is None


def test_a_late_dossier_says_it_is_late_then_shows_the_apology_and_new_appointment(client, build_dossier, leader,
                                                                                   frozen):
    """Issue 22, item 10: two months past due, the page said a plain "Đang xử lý". Issue 21, item 3: past
    its due time without an apology the dossier is late, and no apology can be issued any more."""
    import datetime as dt

    from dossiers.models import Dossier
    from mocua.errors import DomainError

    from ..dossiers.conftest import vn

    dossier = build_dossier("processing")  # received Mon 02/03/2026 08:00, due Thu 05/03 17:00
    apologised = build_dossier("processing")
    new_due = vn(2026, 3, 10, 17, 0)  # Tue, a working day
    apology.dossier_reschedule(dossier=apologised, actor=leader, new_due_at=new_due, reason="Chờ xác minh nơi cư trú")
    frozen.set(dossier.due_at + dt.timedelta(days=60))
    page = html(look_up(client, dossier.code, dossier.pin))
    assert "Quá hạn" in page and "Hồ sơ đã quá hạn hẹn trả kết quả" in page
    assert "không gửi văn bản xin lỗi và hẹn lại (Mẫu 04) trước hạn" in page and "trễ hạn" in page
    with pytest.raises(DomainError) as caught:
        apology.dossier_reschedule(dossier=dossier, actor=leader, new_due_at=vn(2026, 5, 12, 17, 0), reason="Muộn")
    assert caught.value.code == "apology_too_late"
    assert Dossier.objects.get(pk=dossier.pk).rescheduled_at is None

    frozen.set(vn(2026, 3, 9, 9, 0))  # past the statutory due, before the new appointment
    dossier = apologised
    page = html(look_up(client, dossier.code, dossier.pin, ip="198.51.100.40"))
    assert "cơ quan đã xin lỗi và hẹn lại (Mẫu 04)" in page and "Chờ xác minh nơi cư trú" in page
    assert timezone.localtime(new_due).strftime("%H:%M %d/%m/%Y") in page
    assert timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") in page  # the first appointment


def test_a_dossier_on_time_shows_no_lateness(client, build_dossier):
    dossier = build_dossier("processing")
    page = html(look_up(client, dossier.code, dossier.pin))
    assert "Quá hạn" not in page and "notice-late" not in page
