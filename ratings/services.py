"""Rating a dossier: once, after it is returned or refused, from any channel."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.outbox import notify_user
from dossiers.services import dossier_record_rating
from dossiers.workflow import rateable
from feedback.services import feedback_open_from_rating
from mocua.accounts.models import Role, User
from mocua.errors import ConflictError, DomainError
from mocua.inputs import ensure_fits

from .models import CRITERIA, Level, Rating, RatingChannel

MAX_TEXT = 1000


class AlreadyRated(ConflictError):
    code = "already_rated"

    def __init__(self, rating: Rating):
        super().__init__(f"Hồ sơ đã được đánh giá lúc {timezone.localtime(rating.created_at):%H:%M %d/%m/%Y}: "
                         f"{rating.get_level_display()}.")
        self.rating = rating


def _clean_criteria(criteria: dict | None) -> dict[str, int]:
    """All nine criteria scored 0–2, or none (they are optional)."""
    if not criteria:
        return {}
    keys = {key for key, _ in CRITERIA}
    if set(criteria) - keys:
        raise DomainError("Tiêu chí đánh giá không tồn tại.", field="criteria")
    cleaned = {}
    for key, value in criteria.items():
        if isinstance(value, bool) or str(value).strip() not in ("0", "1", "2"):
            raise DomainError("Mỗi tiêu chí được chấm 0, 1 hoặc 2 điểm.", field="criteria")
        cleaned[key] = int(value)
    if set(cleaned) != keys:
        raise DomainError("Cần chấm đủ 9 tiêu chí (hoặc bỏ trống tất cả).", field="criteria")
    return cleaned


def _officers(dossier: Dossier) -> list[int]:
    ids = set(dossier.steps.exclude(to_user=None).values_list("to_user_id", flat=True))
    if dossier.created_by_id:
        ids.add(dossier.created_by_id)
    return sorted(ids)


def _warn_heads(rating: Rating, officer_ids: list[int]) -> None:
    """A "not satisfied" rating reaches the heads of the departments that handled the dossier,
    or the agency's leaders when those departments have no head (someone must read it)."""
    dossier = rating.dossier
    departments = set(User.objects.filter(pk__in=officer_ids).exclude(department=None)
                      .values_list("department_id", flat=True))
    heads = list(User.objects.filter(role=Role.HEAD, is_active=True, department_id__in=departments))
    if not heads:
        heads = list(User.objects.filter(role=Role.LEADER, is_active=True, agency_id=dossier.agency_id))
    subject = f"Công dân không hài lòng với hồ sơ {dossier.code}"
    body = f"{subject}.\nThủ tục: {dossier.procedure_name}.\nLý do: {rating.reason}"
    for head in heads:
        notify_user(head, key=f"rating:{rating.pk}", subject=subject, body=body, dossier=dossier,
                    url=reverse("dossiers:detail", args=[dossier.code]))


@transaction.atomic
def rating_submit(*, dossier: Dossier, level: str, channel: str, reason: str = "", comment: str = "",
                  criteria: dict | None = None, now: dt.datetime | None = None) -> Rating:
    """Record the citizen's rating. Refused: a dossier not finished, a second rating (even by two
    requests at once: the dossier row lock and the unique link serialise them), bad input.
    "Not satisfied" with its reason also opens a feedback item about the dossier, in this transaction
    (the 766 index counts it as feedback); the rating carries it as `feedback` for the answer pages."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    existing = Rating.objects.filter(dossier=dossier).first()
    if existing:
        raise AlreadyRated(existing)
    if not rateable(dossier):
        raise ConflictError("Chỉ đánh giá được hồ sơ đã trả kết quả hoặc đã có văn bản từ chối.",
                            code="not_finished")
    if level not in Level.values:
        raise DomainError("Mức độ hài lòng không hợp lệ.", field="level")
    if channel not in RatingChannel.values:
        raise DomainError("Kênh đánh giá không hợp lệ.", field="channel")
    reason, comment = (reason or "").strip(), (comment or "").strip()
    if level == Level.NOT_SATISFIED and not reason:
        raise DomainError("Xin cho biết lý do không hài lòng.", field="reason")
    if len(reason) > MAX_TEXT or len(comment) > MAX_TEXT:
        raise DomainError(f"Ý kiến tối đa {MAX_TEXT} ký tự.", field="comment" if len(comment) > MAX_TEXT else "reason")
    scores = _clean_criteria(criteria)
    rating = Rating(dossier=dossier, agency_id=dossier.agency_id, procedure_id=dossier.procedure_id, level=level,
                    reason=reason, comment=comment, channel=channel, criteria=scores,
                    total=sum(scores.values()) if scores else None, created_at=now or timezone.now())
    ensure_fits(rating, fields=("reason", "comment"))
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise AlreadyRated(Rating.objects.get(dossier=dossier)) from exc
    # The audit row, and the rating added to the summary tables the leaders' figures read.
    dossier_record_rating(dossier=dossier, level=level, channel=channel, at=rating.created_at)
    officer_ids = _officers(dossier)
    rating.officers.set(officer_ids)
    rating.feedback = None
    if level == Level.NOT_SATISFIED:
        _warn_heads(rating, officer_ids)
        rating.feedback = feedback_open_from_rating(dossier=dossier, reason=reason, now=rating.created_at)
    return rating
