"""Issue 22, item 8: a brand-new intake is not "Sắp đến hạn" unless its own rule says so.

A step whose whole budget is shorter than DUE_SOON_WORKING_HOURS (4 h by default) would be inside
the time-left horizon the moment it starts; only its share rule (ALERT_DUE_SOON_SHARE, 75 % of its
own budget used) flags it, in the lists and in the bell alike. Office hours 07:30–11:30, 13:30–17:00;
the moments are worked out in the comments.
"""

import pytest
from django.urls import reverse

from dossiers import alerts, clock, services
from dossiers.models import Alert, AlertKind, Dossier
from procedures.models import TimeUnit

from ..factories import full_variant
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def same_day(agency):
    variant = full_variant(time_limit="1", unit=TimeUnit.SAME_DAY, code="9.100101")
    variant.procedure.agencies.add(agency)
    return variant


def _state(dossier, now):
    return clock.deadline_state(Dossier.objects.get(pk=dossier.pk), now, dossier.agency)


def test_a_brand_new_same_day_intake_is_on_track_until_its_step_is_three_quarters_used(frozen, receptionist,
                                                                                      same_day):
    # Received Mon 02/03/2026 14:00, due 17:00; four steps share the 3 h: step 1 runs 14:00–14:45.
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(same_day))
    assert (dossier.step_started_at, dossier.step_due_at) == (vn(2026, 3, 2, 14, 0), vn(2026, 3, 2, 14, 45))

    assert _state(dossier, vn(2026, 3, 2, 14, 0)) == "on_track"
    # 75 % of 45 min = 33 min 45 s: due soon from 14:33:45 on, late after 14:45.
    assert _state(dossier, vn(2026, 3, 2, 14, 33, 44)) == "on_track"
    assert _state(dossier, vn(2026, 3, 2, 14, 33, 45)) == "due_soon"
    assert _state(dossier, vn(2026, 3, 2, 14, 46)) == "late"


def test_the_bell_keeps_the_same_rule_for_a_short_step(frozen, receptionist, same_day):
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(same_day))

    alerts.alerts_scan(now=vn(2026, 3, 2, 14, 0, 1))
    assert not Alert.objects.filter(dossier=dossier).exists()

    alerts.alerts_scan(now=vn(2026, 3, 2, 14, 34))
    assert set(Alert.objects.filter(dossier=dossier).values_list("kind", flat=True)) >= {AlertKind.STEP_DUE_SOON}


def test_a_long_step_is_due_soon_by_time_left_as_before(frozen, receptionist, variant):
    # 3 working days, four steps of 5 h 37 min 30 s (more than 4 h): received Mon 02/03 08:00, step 1
    # gets 3 h 30 min before 11:30 and 2 h 7 min 30 s after 13:30 → due 15:37:30. Four office hours
    # before that: 2 h 7 min 30 s after 13:30 and 1 h 52 min 30 s before 11:30 → Mon 09:37:30, earlier
    # than the share rule (75 % = 4 h 13 min 7.5 s used → 14:13:07.5).
    frozen.set(vn(2026, 3, 2, 8, 0))
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(variant))
    assert dossier.step_due_at == vn(2026, 3, 2, 15, 37, 30)
    assert _state(dossier, vn(2026, 3, 2, 9, 37, 29)) == "on_track"
    assert _state(dossier, vn(2026, 3, 2, 9, 37, 30)) == "due_soon"


def test_my_list_shows_a_new_same_day_intake_without_the_due_soon_badge(frozen, client, receptionist, same_day):
    frozen.set(vn(2026, 3, 2, 14, 0))
    dossier = services.dossier_receive(actor=receptionist, intake=make_intake(same_day))
    client.force_login(receptionist)

    frozen.set(vn(2026, 3, 2, 14, 5))
    page = client.get(reverse("dossiers:mine")).content.decode()
    assert dossier.code in page
    assert "Sắp đến hạn" not in page

    frozen.set(vn(2026, 3, 2, 14, 40))
    assert "Sắp đến hạn" in client.get(reverse("dossiers:mine")).content.decode()
