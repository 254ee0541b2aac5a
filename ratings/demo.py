"""Demo ratings (`manage.py seed_demo_ratings`, run by `make demo` after the dossiers' and the
feedback's demo): most returned demo dossiers rated through rating_submit, a few "not satisfied" with
a reason, each of which opens a feedback item as a real one does. Each is given a few hours to
three days after the result was handed back (never later than now), as at the counter's kiosk or
by the receipt's link.

Idempotent: a second run adds nothing.
"""

import datetime as dt
import random

from django.utils import timezone

from dossiers.models import Dossier
from dossiers.workflow import Status

from .models import Level, Rating, RatingChannel
from .services import rating_submit

LEVELS = [Level.VERY_SATISFIED] * 5 + [Level.SATISFIED] * 4 + [Level.NOT_SATISFIED]
REASONS = ["Phải đi lại nhiều lần mới đủ giấy tờ.", "Trả kết quả chậm so với giấy hẹn.",
           "Cán bộ hướng dẫn chưa nhiệt tình."]


def seed_ratings(*, seed: int = 2026, share: float = 0.6) -> int:
    if Rating.objects.exists():
        return 0
    rng, created = random.Random(seed), 0
    for dossier in Dossier.objects.filter(status=Status.RETURNED).order_by("pk"):
        if rng.random() > share:
            continue
        level = rng.choice(LEVELS)
        at = min(dossier.returned_at + dt.timedelta(hours=rng.uniform(0.1, 72)), timezone.now())
        rating_submit(dossier=dossier, level=level, channel=rng.choice([RatingChannel.KIOSK, RatingChannel.LINK]),
                      reason=rng.choice(REASONS) if level == Level.NOT_SATISFIED else "", now=at)
        created += 1
    return created
