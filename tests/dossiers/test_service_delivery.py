"""A result returned by post (Decision 45/2016): the return records the consignment number and the day
it went to the post; results.dossier_confirm_delivery the day the recipient signed for it, once."""

import datetime as dt

import pytest

from dossiers import results, services
from dossiers.models import Dossier, ReturnMethod
from mocua.errors import ConflictError, DomainError, ForbiddenError

from .conftest import snapshot, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(frozen, build_dossier, receptionist):
    dossier = build_dossier("result_ready", return_method=ReturnMethod.POST,
                            return_address="12 Lê Lợi, phường Hạc Thành")
    frozen.set(vn(2026, 3, 4, 9, 0))
    return services.dossier_return(dossier=dossier, actor=receptionist, postal_tracking="EB123456789VN")


def test_the_recipient_s_signature_is_recorded_with_its_day(frozen, posted, receptionist):
    frozen.set(vn(2026, 3, 6, 10, 0))
    dossier = results.dossier_confirm_delivery(dossier=posted, actor=receptionist, delivered_on=dt.date(2026, 3, 5),
                                               delivered_to="  Trần   Thị Bình ")

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.postal_tracking, dossier.returned_at) == ("EB123456789VN", vn(2026, 3, 4, 9, 0))
    assert (dossier.delivered_at, dossier.delivered_to) == (vn(2026, 3, 5, 12, 0), "Trần Thị Bình")
    event = dossier.events.latest("pk")
    assert (event.action, event.actor, event.data) == ("confirm_delivery", receptionist, {
        "delivered_on": "2026-03-05", "postal_tracking": "EB123456789VN"})
    with pytest.raises(ConflictError, match="Đã ghi nhận"):
        results.dossier_confirm_delivery(dossier=dossier, actor=receptionist, delivered_on=dt.date(2026, 3, 6))


@pytest.mark.parametrize("day", [dt.date(2026, 3, 3), dt.date(2026, 3, 7)])
def test_a_day_before_posting_or_in_the_future_is_refused(frozen, posted, receptionist, day):
    frozen.set(vn(2026, 3, 6, 10, 0))
    before = snapshot(posted)
    with pytest.raises(DomainError, match="Ngày ký nhận phải từ ngày gửi bưu chính"):
        results.dossier_confirm_delivery(dossier=posted, actor=receptionist, delivered_on=day)
    assert snapshot(posted) == before


def test_a_result_collected_at_the_counter_has_no_delivery(frozen, build_dossier, receptionist):
    dossier = build_dossier("returned")
    with pytest.raises(ForbiddenError):
        results.dossier_confirm_delivery(dossier=dossier, actor=receptionist, delivered_on=dt.date(2026, 3, 2))


def test_the_lookup_shows_the_consignment_number_and_the_delivery(client, frozen, posted, receptionist):
    page = client.post("/tra-cuu/", {"code": posted.code, "pin": posted.pin}).content.decode()
    assert "EB123456789VN" in page and "Đang chuyển phát" in page
    frozen.set(vn(2026, 3, 6, 10, 0))
    results.dossier_confirm_delivery(dossier=posted, actor=receptionist, delivered_on=dt.date(2026, 3, 5))
    page = client.post("/tra-cuu/", {"code": posted.code, "pin": posted.pin}).content.decode()
    assert "Ngày ký nhận</dt><dd>05/03/2026" in page
