"""Rating online: on the lookup page once the PIN (or the QR token) is proven, rate-limited; and
POST /api/v1/ratings/ for other channels, with the code and PIN in the body."""

import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session

from dossiers import tokens
from dossiers.public import lookup
from ratings import views
from ratings.models import Level, Rating, RatingChannel

from .conftest import NINE_TWOS

pytestmark = pytest.mark.django_db


def rate_url(dossier) -> str:
    return f"/danh-gia/ho-so/{dossier.code}/"


def test_the_lookup_page_offers_the_form_with_criteria_and_privacy_notice(citizen, returned):
    page = citizen.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin}).content.decode()
    assert f'action="{rate_url(returned)}"' in page
    for level in ("Rất hài lòng", "Hài lòng", "Không hài lòng"):
        assert level in page
    assert page.count('<select name="c') == 9
    assert "91/2025/QH15" in page


def test_each_criterion_says_what_its_points_mean(citizen, returned):
    """Issue 22, item 13: "2 điểm / 1 điểm / 0 điểm" alone told the citizen nothing."""
    from django.utils.html import escape

    from ratings.models import CRITERIA, CRITERIA_SCALE

    page = citizen.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin}).content.decode()
    assert set(CRITERIA_SCALE) == {key for key, _ in CRITERIA}
    for key, _label in CRITERIA:
        two, one, zero = CRITERIA_SCALE[key]
        assert f"2 điểm: {escape(two)}. 1 điểm: {escape(one)}. 0 điểm: {escape(zero)}." in page
        assert f'<option value="0">0 điểm – {escape(zero)}</option>' in page
    assert "Sớm hơn thời hạn quy định" in page and "Phải liên hệ thêm 1 lần" in page


def test_an_unfinished_dossier_offers_no_form_and_refuses_a_post(client, build_dossier):
    dossier = build_dossier("result_ready")
    page = client.post("/tra-cuu/", {"code": dossier.code, "pin": dossier.pin}).content.decode()
    assert "Đánh giá mức độ hài lòng" not in page
    response = client.post(rate_url(dossier), {"level": Level.SATISFIED})
    assert response.status_code == 409
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả" in response.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.parametrize("state", ["withdrawn", "stopped"])
def test_a_withdrawn_or_stopped_dossier_offers_no_form(client, build_dossier, state):
    dossier = build_dossier(state)
    page = client.post("/tra-cuu/", {"code": dossier.code, "pin": dossier.pin}).content.decode()
    assert 'id="rating-form"' not in page


def test_rating_after_the_lookup(citizen, returned):
    response = citizen.post(rate_url(returned), {"level": Level.SATISFIED, "comment": "Nhanh", **NINE_TWOS})

    assert response.status_code == 200
    assert "Cảm ơn ông/bà!" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.dossier, rating.level, rating.channel, rating.total, rating.comment) == (
        returned, Level.SATISFIED, RatingChannel.LOOKUP, 18, "Nhanh")
    page = citizen.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin}).content.decode()
    assert 'id="rating-form"' not in page and "Hồ sơ đã được đánh giá lúc" in page and "Hài lòng" in page


def test_rating_after_opening_the_qr_link(client, returned):
    assert client.get(f"/tra-cuu/ma/{tokens.lookup_token(returned)}/").status_code == 200
    assert client.post(rate_url(returned), {"level": Level.VERY_SATISFIED}).status_code == 200
    assert Rating.objects.get().level == Level.VERY_SATISFIED


def test_without_the_pin_or_token_there_is_nothing_to_rate(client, build_dossier, returned):
    other = build_dossier("returned")
    client.post("/tra-cuu/", {"code": other.code, "pin": other.pin})  # proved another dossier only
    assert client.post(rate_url(returned), {"level": Level.SATISFIED}).status_code == 404
    assert client.get(rate_url(returned)).status_code == 405
    assert not Rating.objects.filter(dossier=returned).exists()


def test_a_second_rating_is_refused_and_shows_the_first(citizen, returned):
    citizen.post(rate_url(returned), {"level": Level.VERY_SATISFIED})
    response = citizen.post(rate_url(returned), {"level": Level.NOT_SATISFIED, "reason": "Đổi ý"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Hồ sơ đã được đánh giá lúc" in page and "Rất hài lòng" in page
    assert Rating.objects.get().level == Level.VERY_SATISFIED


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Xin chọn mức độ hài lòng."),
    ({"level": "tuyet_voi"}, "Mức độ hài lòng không hợp lệ."),
    ({"level": Level.NOT_SATISFIED}, "Xin cho biết lý do không hài lòng."),
    ({"level": Level.SATISFIED, "c1": "5"}, "Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm."),
    ({"level": Level.SATISFIED, "c1": "2"}, "Cần chấm đủ 9 tiêu chí"),
    ({"level": Level.SATISFIED, "comment": "x" * 1001}, "tối đa 1000 ký tự"),
])
def test_bad_input_is_refused_with_a_clear_message(citizen, returned, data, message):
    response = citizen.post(rate_url(returned), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rating.objects.exists()


def test_markup_in_a_comment_is_stored_as_text_and_never_run(citizen, returned):
    citizen.post(rate_url(returned), {"level": Level.NOT_SATISFIED, "reason": "<script>alert(1)</script>"})
    assert Rating.objects.get().reason == "<script>alert(1)</script>"


def test_online_rating_is_rate_limited(citizen, returned, monkeypatch):
    monkeypatch.setattr(views, "RATING_TRIES_PER_HOUR", 3)
    answers = [citizen.post(rate_url(returned), {"level": "tuyet_voi"}).status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]
    response = citizen.post(rate_url(returned), {"level": Level.SATISFIED})
    assert response.status_code == 429 and "Vui lòng thử lại sau" in response.content.decode()
    assert not Rating.objects.exists()


# --------------------------------------------------------------------------- API


def api_rate(client, dossier, pin=None, **data):
    body = {"code": dossier.code, "pin": dossier.pin if pin is None else pin, "level": Level.SATISFIED, **data}
    return client.post("/api/v1/ratings/", body, content_type="application/json", REMOTE_ADDR="203.0.113.9")


def test_the_api_rates_with_code_and_pin(client, returned):
    response = api_rate(client, returned, criteria={**NINE_TWOS, "c9": 1})
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["level"], body["level_label"], body["total"]) == (
        returned.code, "satisfied", "Hài lòng", 17)
    assert Rating.objects.get().channel == RatingChannel.API


def test_the_api_answers_a_wrong_pin_like_the_lookup(client, returned):
    response = api_rate(client, returned, pin="WRONG234")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Mã hồ sơ hoặc mã tra cứu không đúng."}
    assert not Rating.objects.exists()


def test_the_api_refuses_with_structured_errors(client, returned, build_dossier):
    unfinished = build_dossier("processing")
    response = api_rate(client, unfinished)
    assert (response.status_code, response.json()["code"]) == (409, "not_finished")

    response = api_rate(client, returned, level="tuyet_voi")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "level" in response.json()["fields"]

    response = api_rate(client, returned, criteria={**NINE_TWOS, "c10": 1})
    assert response.status_code == 400 and response.json()["fields"] == {
        "criteria": ["Tiêu chí đánh giá không tồn tại."]}

    response = api_rate(client, returned, level="not_satisfied")
    assert response.status_code == 400 and "reason" in response.json()["fields"]

    assert api_rate(client, returned).status_code == 201
    response = api_rate(client, returned, level="very_satisfied")
    assert (response.status_code, response.json()["code"]) == (409, "already_rated")
    assert "Hồ sơ đã được đánh giá lúc" in response.json()["detail"]
    assert Rating.objects.get().level == Level.SATISFIED


def test_the_api_is_rate_limited_by_failed_pins(client, returned, settings):
    settings.LOOKUP_CLIENT_FAILURES = 3
    answers = [api_rate(client, returned, pin=f"WRONG{n:03d}").status_code for n in range(3)]
    response = api_rate(client, returned)
    assert answers == [404] * 3 and response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert not Rating.objects.exists()


def test_the_unlock_is_a_signed_cookie_that_expires_and_cannot_be_forged(client, build_dossier, returned):
    other = build_dossier("returned")
    client.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin})
    cookie = client.cookies[lookup.UNLOCK_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # Naming another dossier in the cookie without its signature unlocks nothing.
    client.cookies[lookup.UNLOCK_COOKIE] = cookie.value.replace(returned.code, other.code)
    assert client.post(rate_url(other), {"level": Level.SATISFIED}).status_code == 404
    assert client.post(rate_url(returned), {"level": Level.SATISFIED}).status_code == 404
    # A day later the signed timestamp is too old.
    client.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin})
    later = time.time() + lookup.UNLOCK_SECONDS + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.post(rate_url(returned), {"level": Level.SATISFIED}).status_code == 404
    assert client.post(rate_url(returned), {"level": Level.SATISFIED}).status_code == 200
    assert not Rating.objects.filter(dossier=other).exists()


def test_a_lookup_writes_nothing_and_asks_three_queries(client, returned, django_assert_num_queries):
    # the PIN by code, the dossier with agency, procedure and rating, its steps
    with django_assert_num_queries(3):
        assert client.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin}).status_code == 200
    assert not Session.objects.exists()
