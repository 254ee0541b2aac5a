"""The counter kiosk /danh-gia/quay/: the tablet, logged in as the counter officer, shows the
dossier that officer just returned, and the citizen taps a level."""

import datetime as dt

import pytest

from mocua.accounts.models import Role
from ratings import views
from ratings.models import Level, Rating, RatingChannel

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(client, receptionist):
    client.force_login(receptionist)
    return client


def test_the_kiosk_shows_the_dossier_the_officer_just_returned(tablet, returned):
    page = tablet.get("/danh-gia/quay/").content.decode()
    assert returned.code in page and "Đăng ký khai sinh" in page
    assert "Trần Thị Bình" not in page and "0912345678" not in page
    assert "91/2025/QH15" in page
    assert tablet.get("/danh-gia/quay/hien-tai/").json() == {
        "code": returned.code, "procedure": "Đăng ký khai sinh", "applicant": "T*** T** B***"}


def test_a_tap_records_the_rating_and_clears_the_screen(tablet, returned, receptionist):
    response = tablet.post("/danh-gia/quay/", {"code": returned.code, "level": Level.VERY_SATISFIED}, follow=True)

    assert "Cảm ơn ông/bà đã đánh giá!" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.dossier, rating.level, rating.channel) == (returned, Level.VERY_SATISFIED, RatingChannel.KIOSK)
    assert receptionist in rating.officers.all()
    assert tablet.get("/danh-gia/quay/hien-tai/").json() == {"code": None}


def test_not_satisfied_at_the_kiosk_needs_a_reason(tablet, returned):
    response = tablet.post("/danh-gia/quay/", {"code": returned.code, "level": Level.NOT_SATISFIED}, follow=True)
    assert "Xin cho biết lý do không hài lòng." in response.content.decode()
    assert not Rating.objects.exists()
    tablet.post("/danh-gia/quay/", {"code": returned.code, "level": Level.NOT_SATISFIED, "reason": "Chờ lâu"})
    assert Rating.objects.get().reason == "Chờ lâu"


def test_another_counter_sees_nothing_and_cannot_rate_it(client, agency, other_agency, returned):
    for officer in (UserFactory(agency=agency, role=Role.RECEPTION, username="tiepnhan2"),
                    UserFactory(agency=other_agency, role=Role.RECEPTION, username="tiepnhan.khac")):
        client.force_login(officer)
        assert returned.code not in client.get("/danh-gia/quay/").content.decode()
        assert client.get("/danh-gia/quay/hien-tai/").json() == {"code": None}
        response = client.post("/danh-gia/quay/", {"code": returned.code, "level": Level.SATISFIED}, follow=True)
        assert "Không có hồ sơ vừa trả kết quả để đánh giá." in response.content.decode()
    assert not Rating.objects.exists()


def test_only_the_latest_return_of_the_last_minutes_is_offered(tablet, build_dossier, frozen, monkeypatch):
    first = build_dossier("returned")
    frozen.set(frozen.moment + dt.timedelta(minutes=5))
    second = build_dossier("returned")
    assert tablet.get("/danh-gia/quay/hien-tai/").json()["code"] == second.code
    tablet.post("/danh-gia/quay/", {"code": first.code, "level": Level.SATISFIED})
    assert not Rating.objects.exists()  # an older dossier cannot be rated from the screen of a newer one

    frozen.set(frozen.moment + dt.timedelta(minutes=views.KIOSK_MINUTES + 1))
    assert tablet.get("/danh-gia/quay/hien-tai/").json() == {"code": None}


def test_a_dossier_not_yet_returned_is_not_offered(tablet, build_dossier):
    build_dossier("result_ready")
    assert tablet.get("/danh-gia/quay/hien-tai/").json() == {"code": None}


def test_a_dossier_rated_online_is_not_offered_again(tablet, returned):
    from ratings import services

    services.rating_submit(dossier=returned, level=Level.SATISFIED, channel=RatingChannel.LOOKUP)
    assert tablet.get("/danh-gia/quay/hien-tai/").json() == {"code": None}


def test_the_kiosk_is_for_counter_staff_only(client, specialist):
    assert client.get("/danh-gia/quay/").status_code == 302
    client.force_login(specialist)
    assert client.get("/danh-gia/quay/").status_code == 403
    assert client.get("/danh-gia/quay/hien-tai/").status_code == 403
