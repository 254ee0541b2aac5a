"""ratings.services.rating_submit: once, after the dossier is returned or refused; the level,
an optional nine-criteria score, the reason a "not satisfied" needs; the heads are told."""

import pytest
from django.core import mail

from dossiers.models import DossierEvent, Message
from mocua.accounts.models import Role
from mocua.errors import ConflictError, DomainError
from ratings import services, stats
from ratings.models import Level, Rating, RatingChannel

from ..factories import UserFactory
from .conftest import NINE_TWOS

pytestmark = pytest.mark.django_db


def rate(dossier, level=Level.SATISFIED, **kwargs):
    return services.rating_submit(dossier=dossier, level=level, channel=kwargs.pop("channel", RatingChannel.LOOKUP),
                                  **kwargs)


@pytest.mark.parametrize("state", ["returned", "refused"])
def test_a_returned_or_refused_dossier_can_be_rated(build_dossier, receptionist, specialist, leader, state):
    dossier = build_dossier(state)

    rating = rate(dossier, Level.VERY_SATISFIED, comment="Cán bộ nhiệt tình")

    rating = Rating.objects.get(pk=rating.pk)
    assert (rating.dossier, rating.agency, rating.procedure) == (dossier, dossier.agency, dossier.procedure)
    assert (rating.level, rating.channel, rating.comment, rating.criteria, rating.total) == (
        Level.VERY_SATISFIED, RatingChannel.LOOKUP, "Cán bộ nhiệt tình", {}, None)
    # Those who had it on their desk: the counter (intake, return) and the specialist.
    assert set(rating.officers.all()) == {receptionist, specialist}
    event = DossierEvent.objects.filter(dossier=dossier).latest("pk")
    assert (event.action, event.actor, event.data) == ("rate", None, {"level": "very_satisfied", "channel": "lookup"})


@pytest.mark.parametrize("state", ["received", "processing", "awaiting_supplement", "awaiting_payment",
                                   "result_ready", "withdrawn", "stopped", "refused_at_intake"])
def test_a_dossier_that_is_not_finished_cannot_be_rated(build_dossier, state):
    dossier = build_dossier(state)
    with pytest.raises(ConflictError) as caught:
        rate(dossier)
    assert caught.value.code == "not_finished"
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả" in caught.value.message
    assert not Rating.objects.exists() and not dossier.events.filter(action="rate").exists()


def test_a_rejected_online_submission_cannot_be_rated(submit_online, receptionist):
    from dossiers import services as dossier_services

    dossier = dossier_services.dossier_reject_online(dossier=submit_online(), actor=receptionist, reason="Ảnh mờ")
    with pytest.raises(ConflictError):
        rate(dossier)


def test_a_second_rating_is_refused_and_names_the_first(returned):
    first = rate(returned, Level.VERY_SATISFIED)

    with pytest.raises(services.AlreadyRated) as caught:
        rate(returned, Level.NOT_SATISFIED, reason="Đổi ý")

    assert caught.value.rating == first and caught.value.code == "already_rated"
    assert "Hồ sơ đã được đánh giá lúc" in caught.value.message and "Rất hài lòng" in caught.value.message
    assert Rating.objects.get().level == Level.VERY_SATISFIED
    assert not Message.objects.filter(key__startswith="rating:").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_not_satisfied_needs_a_reason(returned, reason):
    with pytest.raises(DomainError) as caught:
        rate(returned, Level.NOT_SATISFIED, reason=reason)
    assert (caught.value.field, caught.value.message) == ("reason", "Xin cho biết lý do không hài lòng.")
    assert not Rating.objects.exists()


def test_not_satisfied_tells_the_department_heads_in_the_bell_and_by_email(
        agency, returned, receptionist, specialist, django_capture_on_commit_callbacks):
    head = UserFactory(agency=agency, role=Role.HEAD, department=specialist.department, username="truongphong.cv")
    bystander = UserFactory(agency=agency, role=Role.HEAD, username="truongphong.khac")

    with django_capture_on_commit_callbacks(execute=True):
        rating = rate(returned, Level.NOT_SATISFIED, reason="Phải đi lại <b>ba</b> lần")

    mine = Message.objects.filter(recipient=head, key__startswith=f"rating:{rating.pk}:")
    assert {m.channel for m in mine} == {Message.Channel.INAPP, Message.Channel.EMAIL}
    bell = mine.get(channel=Message.Channel.INAPP)
    assert bell.subject == f"Công dân không hài lòng với hồ sơ {returned.code}"
    assert "Phải đi lại <b>ba</b> lần" in bell.body and bell.url == f"/can-bo/ho-so/{returned.code}/"
    assert not Message.objects.filter(recipient=bystander).exists()
    assert [m.to for m in mail.outbox if "không hài lòng" in m.subject] == [[head.email]]
    # The head's inbox shows the citizen's words as text.
    from django.test import Client

    browser = Client()
    browser.force_login(head)
    page = browser.get("/can-bo/thong-bao/").content.decode()
    assert "Phải đi lại &lt;b&gt;ba&lt;/b&gt; lần" in page
    assert "<b>ba</b>" not in page


def test_without_a_head_the_agency_leaders_are_told(agency, returned, leader):
    rating = rate(returned, Level.NOT_SATISFIED, reason="Chờ lâu")
    assert Message.objects.filter(recipient=leader, key=f"rating:{rating.pk}:u{leader.pk}:inapp").exists()


@pytest.mark.parametrize("level", [Level.VERY_SATISFIED, Level.SATISFIED])
def test_a_satisfied_rating_tells_nobody(returned, head, level):
    rate(returned, level)
    assert not Message.objects.filter(key__startswith="rating:").exists()


def test_the_nine_criteria_give_a_total_out_of_eighteen(returned):
    scores = {**NINE_TWOS, "c3": 1, "c7": "0"}
    rating = rate(returned, criteria=scores)
    assert rating.criteria == {**NINE_TWOS, "c3": 1, "c7": 0}
    assert rating.total == 15
    assert stats.grade(rating.total) == "Tốt"


@pytest.mark.parametrize(("criteria", "message"), [
    ({"c1": 2}, "Cần chấm đủ 9 tiêu chí"),
    ({**NINE_TWOS, "c10": 2}, "Tiêu chí đánh giá không tồn tại."),
    ({**NINE_TWOS, "c4": 3}, "Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm."),
    ({**NINE_TWOS, "c4": -1}, "Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm."),
    ({**NINE_TWOS, "c4": True}, "Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm."),
    ({**NINE_TWOS, "c4": "2 điểm"}, "Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm."),
])
def test_bad_criteria_are_refused(returned, criteria, message):
    with pytest.raises(DomainError) as caught:
        rate(returned, criteria=criteria)
    assert caught.value.field == "criteria" and message in caught.value.message
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("level", "channel", "field"), [("rat_hai_long", RatingChannel.LOOKUP, "level"),
                                                         (Level.SATISFIED, "fax", "channel")])
def test_a_level_or_channel_that_does_not_exist_is_refused(returned, level, channel, field):
    with pytest.raises(DomainError) as caught:
        services.rating_submit(dossier=returned, level=level, channel=channel)
    assert caught.value.field == field
    assert not Rating.objects.exists()


@pytest.mark.parametrize("field", ["comment", "reason"])
def test_an_oversized_text_is_refused(returned, field):
    with pytest.raises(DomainError) as caught:
        rate(returned, Level.NOT_SATISFIED, **{"reason": "Chậm", field: "x" * 1001})
    assert caught.value.field == field
    assert not Rating.objects.exists()


@pytest.mark.parametrize(("total", "grade"), [(18, "Xuất sắc"), (16, "Xuất sắc"), (15.5, "Xuất sắc"), (15, "Tốt"),
                                              (12, "Tốt"), (11.99, "Khá"), (9, "Khá"), (8, "Trung bình"),
                                              (6, "Trung bình"), (5.9, "Yếu"), (0, "Yếu"), (None, "")])
def test_grades_of_the_eighteen_point_total(total, grade):
    assert stats.grade(total) == grade


def test_a_rating_holds_no_personal_data_beyond_the_dossier_link(returned):
    fields = {f.name for f in Rating._meta.get_fields()}
    assert fields == {"id", "dossier", "agency", "procedure", "officers", "level", "reason", "comment", "channel",
                      "criteria", "total", "created_at"}
    rating = rate(returned, criteria=NINE_TWOS)
    stored = str(Rating.objects.filter(pk=rating.pk).values().get())
    for private in ("Trần Thị Bình", "0912345678", "038190001234", "binh@example.com", "Lê Lợi", returned.pin):
        assert private not in stored
