"""A dossier handed in by post (Decision 45/2016 Art 7): its consignment number and both moments are
kept, and its time limit starts when the hand-over record with the post was signed, or at the
postmark where the procedure says so."""

import datetime as dt

import pytest

from dossiers import clock, services
from dossiers.models import Dossier
from mocua.errors import DomainError
from procedures.models import Channel, PostalClock

from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


def by_post(variant, **postal):
    return make_intake(variant, channel=Channel.POST, intake_tracking=" EB 998877665VN ", **postal)


def test_the_clock_starts_when_the_hand_over_record_was_signed(frozen, variant, receptionist):
    frozen.set(vn(2026, 3, 4, 9, 0))  # logged on Wednesday; the post handed it over on Monday
    signed = vn(2026, 3, 2, 8, 0)

    dossier = services.dossier_receive(actor=receptionist, intake=by_post(
        variant, handover_signed_at=signed, postmark_date=dt.date(2026, 2, 27)))

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert (dossier.intake_tracking, dossier.handover_signed_at, dossier.postmark_date) == (
        "EB 998877665VN", signed, dt.date(2026, 2, 27))
    assert dossier.received_at == vn(2026, 3, 4, 9, 0)  # counted received the day it was logged
    assert dossier.legal_due_at == clock.dossier_due(dossier, signed) < clock.dossier_due(dossier, frozen.moment)


def test_the_clock_starts_at_the_postmark_where_the_procedure_says_so(frozen, variant, receptionist):
    variant.procedure.postal_clock = PostalClock.POSTMARK
    variant.procedure.save(update_fields=["postal_clock"])
    frozen.set(vn(2026, 3, 4, 9, 0))

    dossier = services.dossier_receive(actor=receptionist, intake=by_post(
        variant, handover_signed_at=vn(2026, 3, 3, 8, 0), postmark_date=dt.date(2026, 3, 2)))

    assert dossier.legal_due_at == clock.dossier_due(dossier, vn(2026, 3, 2, 0, 0))


def test_without_either_moment_the_clock_starts_at_intake(frozen, variant, receptionist):
    dossier = services.dossier_receive(actor=receptionist, intake=by_post(variant))
    assert dossier.legal_due_at == clock.dossier_due(dossier, frozen.moment)


@pytest.mark.parametrize(("field", "postal"), [
    ("handover_signed_at", {"handover_signed_at": vn(2026, 3, 2, 9, 0)}),
    ("postmark_date", {"postmark_date": dt.date(2026, 3, 3)}),
])
def test_a_moment_in_the_future_is_refused(frozen, variant, receptionist, field, postal):
    with pytest.raises(DomainError) as caught:
        services.dossier_receive(actor=receptionist, intake=by_post(variant, **postal))
    assert caught.value.field == field
    assert not Dossier.objects.exists()


def test_a_counter_intake_keeps_no_postal_fields(frozen, variant, receptionist):
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(
        variant, intake_tracking="EB1", handover_signed_at=vn(2026, 3, 1, 8, 0)))
    assert (dossier.intake_tracking, dossier.handover_signed_at) == ("", None)
    assert dossier.legal_due_at == clock.dossier_due(dossier, frozen.moment)


def test_the_counter_s_intake_form_takes_the_postal_fields(frozen, variant, receptionist, client):
    from .test_views_staff import INTAKE, _intake_post

    client.force_login(receptionist)
    page = client.get(INTAKE, {"variant": variant.pk}).content.decode()
    assert "Số hiệu phiếu gửi" in page and "Ngày dấu bưu điện" in page
    response = client.post(INTAKE, _intake_post(variant, channel="post", intake_tracking="EB998877665VN",
                                                 handover_signed_at="2026-03-02T07:45", postmark_date="2026-02-28"))

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.intake_tracking, dossier.postmark_date) == (
        "post", "EB998877665VN", dt.date(2026, 2, 28))
    assert dossier.handover_signed_at == vn(2026, 3, 2, 7, 45)
