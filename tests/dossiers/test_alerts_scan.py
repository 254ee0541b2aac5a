"""The deadline scan, the leaders' digest, the bell and the operators' commands (issue 4).

Time is frozen with the `frozen` fixture (it patches django.utils.timezone.now) and the real
calendar is used: the official 2024–2026 schedules seeded by the workcalendar migrations.
Office hours are the default 07:30–11:30 and 13:30–17:00 (7 h 30 min a day). The test variant
has 3 working days split into four steps of 0.75 day = 5 h 37 min 30 s of office time each.
Unless a test says otherwise the defaults apply: "due soon" once 75 % of the budget is used
(ALERT_DUE_SOON_SHARE) or at most 4 working hours are left (DUE_SOON_WORKING_HOURS).
Every expected moment is worked out by hand in the comment next to it.
"""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import alerts, apology, outbox, services
from dossiers.models import Alert, AlertKind, Message
from mocua.accounts.models import Level, Role

from ..factories import AgencyFactory, UserFactory, full_variant
from .conftest import make_intake, vn

pytestmark = pytest.mark.django_db

STEP_KINDS = {AlertKind.STEP_DUE_SOON, AlertKind.STEP_OVERDUE}


@pytest.fixture
def team(agency, receptionist, specialist, head, leader):
    """The specialist and the head of the specialist's department; a head of another department
    and the agency's leader must never get a deadline alert."""
    head.department = specialist.department
    head.save(update_fields=["department"])
    other_head = UserFactory(agency=agency, role=Role.HEAD, username="truongphong.khac")
    return SimpleNamespace(receptionist=receptionist, specialist=specialist, head=head, other_head=other_head,
                           leader=leader)


def receive(frozen, moment, receptionist, variant):
    frozen.set(moment)
    return services.dossier_receive(actor=receptionist, intake=make_intake(variant))


def hand_over(frozen, moment, dossier, actor, **target):
    frozen.set(moment)
    return services.dossier_hand_over(dossier=dossier, actor=actor, **target)


def scan(frozen, moment) -> int:
    frozen.set(moment)
    return alerts.alerts_scan()


def alerted(dossier) -> set[tuple[int, str]]:
    return set(Alert.objects.filter(dossier=dossier).values_list("step_key", "kind"))


def dossier_kinds(dossier) -> set[str]:
    return {kind for step_key, kind in alerted(dossier) if step_key == 0}


def step_kinds(dossier) -> set[str]:
    return {kind for step_key, kind in alerted(dossier) if step_key != 0}


def recipients(alert: Alert) -> set[tuple[str, str]]:
    """(username, channel) of every message the alert wrote."""
    return set(Message.objects.filter(key__startswith=f"alert:{alert.pk}:")
               .values_list("recipient__username", "channel"))


def both_channels(*users) -> set[tuple[str, str]]:
    return {(u.username, channel) for u in users for channel in (Message.Channel.INAPP, Message.Channel.EMAIL)}


@pytest.fixture
def overdue(frozen, team, variant):
    """Received Mon 02/03/2026 08:00, due Thu 05/03 17:00 (Tue, Wed, Thu; the day of receipt is not
    counted). Handed to the specialist at 08:30: step 2 is due 08:30 + 5 h 37 min 30 s of office time
    = 3 h to 11:30, then 2 h 37 min 30 s from 13:30 → Mon 16:07:30."""
    dossier = receive(frozen, vn(2026, 3, 2, 8, 0), team.receptionist, variant)
    return hand_over(frozen, vn(2026, 3, 2, 8, 30), dossier, team.receptionist, to_user=team.specialist)


# --------------------------------------------------------------------------- overdue, step and dossier


def test_overdue_step_and_dossier_alert_the_officer_and_their_department_head(
        frozen, team, overdue, django_capture_on_commit_callbacks):
    step = overdue.steps.get(finished_at__isnull=True)
    assert step.due_at == vn(2026, 3, 2, 16, 7, 30)

    with django_capture_on_commit_callbacks(execute=True):
        written = scan(frozen, vn(2026, 3, 6, 9, 0))  # Fri: both the step and the dossier are past due

    assert alerted(overdue) == {(step.pk, AlertKind.STEP_OVERDUE), (0, AlertKind.DOSSIER_OVERDUE)}
    for alert in Alert.objects.filter(dossier=overdue):
        # Never the receptionist (their step is finished), the other department's head or the leader.
        assert recipients(alert) == both_channels(team.specialist, team.head)
    assert written == 8  # 2 alerts × 2 people × (bell + e-mail)
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    code = overdue.code
    assert sent == sorted([
        (team.head.email, f"Hồ sơ {code} đã quá hạn trả kết quả (17:00 05/03/2026)"),
        (team.head.email, f"Hồ sơ {code} đã quá hạn xử lý bước “Thẩm định, xử lý” (16:07 02/03/2026)"),
        (team.specialist.email, f"Hồ sơ {code} đã quá hạn trả kết quả (17:00 05/03/2026)"),
        (team.specialist.email, f"Hồ sơ {code} đã quá hạn xử lý bước “Thẩm định, xử lý” (16:07 02/03/2026)"),
    ])


def test_a_step_can_be_overdue_while_the_dossier_is_on_time(frozen, team, overdue):
    scan(frozen, vn(2026, 3, 2, 16, 7, 30))  # exactly at the step's due time: due soon, not yet overdue
    assert alerted(overdue) == {(overdue.steps.get(finished_at__isnull=True).pk, AlertKind.STEP_DUE_SOON)}

    scan(frozen, vn(2026, 3, 2, 16, 7, 31))

    assert step_kinds(overdue) == {AlertKind.STEP_DUE_SOON, AlertKind.STEP_OVERDUE}
    assert dossier_kinds(overdue) == set()  # Mon 16:07: 4 h 37 min of 29 h 30 min used, 24 h 53 min left


def test_each_step_alerts_its_own_officer(frozen, team, variant):
    """Step 1 sits with the receptionist: they (and their own head, if any) are alerted, not the
    specialist; after the handover step 2's alerts go to the specialist and their head."""
    dossier = receive(frozen, vn(2026, 3, 2, 8, 0), team.receptionist, variant)
    first = dossier.steps.get()
    scan(frozen, vn(2026, 3, 3, 9, 0))  # step 1 was due Mon 13:37:30 (3 h 30 min + 2 h 07 min 30 s)
    assert recipients(Alert.objects.get(step_key=first.pk)) == both_channels(team.receptionist)

    dossier = hand_over(frozen, vn(2026, 3, 3, 9, 30), dossier, team.receptionist, to_user=team.specialist)
    second = dossier.steps.get(finished_at__isnull=True)
    scan(frozen, vn(2026, 3, 4, 9, 0))  # step 2 was due Tue 16:07:30

    assert recipients(Alert.objects.get(step_key=second.pk)) == both_channels(team.specialist, team.head)
    assert Alert.objects.filter(step_key=first.pk).count() == 1  # a finished step is not alerted again


def test_a_step_handed_to_a_department_alerts_its_heads(frozen, team, variant):
    dossier = receive(frozen, vn(2026, 3, 2, 8, 0), team.receptionist, variant)
    dossier = hand_over(frozen, vn(2026, 3, 2, 8, 30), dossier, team.receptionist,
                        to_department=team.specialist.department)

    scan(frozen, vn(2026, 3, 6, 9, 0))

    assert {kind for _, kind in alerted(dossier)} == {AlertKind.STEP_OVERDUE, AlertKind.DOSSIER_OVERDUE}
    for alert in Alert.objects.filter(dossier=dossier):
        assert recipients(alert) == both_channels(team.head)


def test_an_officer_without_an_address_gets_the_bell_only(frozen, team, overdue):
    team.specialist.email = ""
    team.specialist.save(update_fields=["email"])

    scan(frozen, vn(2026, 3, 6, 9, 0))

    alert = Alert.objects.get(kind=AlertKind.STEP_OVERDUE)
    assert recipients(alert) == {(team.specialist.username, Message.Channel.INAPP)} | both_channels(team.head)


# --------------------------------------------------------------------------- due soon: share and time left


def test_due_soon_when_the_share_of_the_budget_is_used(frozen, team, overdue, settings):
    """Step 2 runs Mon 08:30 → 16:07:30; 75 % of 5 h 37 min 30 s is 4 h 13 min 07.5 s: 3 h to 11:30,
    then 1 h 13 min 07.5 s from 13:30 → Mon 14:43:07.5."""
    settings.DUE_SOON_WORKING_HOURS = 0  # only the share rule

    scan(frozen, vn(2026, 3, 2, 14, 43, 7))
    assert alerted(overdue) == set()

    scan(frozen, vn(2026, 3, 2, 14, 43, 8))
    assert step_kinds(overdue) == {AlertKind.STEP_DUE_SOON}
    assert dossier_kinds(overdue) == set()  # the dossier has used 4 h 43 min of 29 h 30 min


def test_due_soon_when_little_working_time_is_left(frozen, team, overdue, settings):
    """4 working hours before Mon 16:07:30: 2 h 37 min 30 s after 13:30, 1 h 22 min 30 s before 11:30
    → Mon 10:07:30."""
    settings.ALERT_DUE_SOON_SHARE = 1.0  # only the time-left rule

    scan(frozen, vn(2026, 3, 2, 10, 7, 29))
    assert alerted(overdue) == set()

    scan(frozen, vn(2026, 3, 2, 10, 7, 30))
    assert step_kinds(overdue) == {AlertKind.STEP_DUE_SOON}


# --------------------------------------------------------------------------- working time: weekend and Tết


def test_step_due_monday_is_due_soon_on_friday_afternoon_and_overdue_only_after_its_time(frozen, team, variant):
    """Received Fri 06/03/2026 14:00; step 1 (5 h 37 min 30 s) = 3 h to Fri 17:00, then 2 h 37 min 30 s
    from Mon 07:30 → due Mon 09/03 10:07:30. Four working hours before that: Mon 2 h 37 min 30 s,
    Fri 1 h 22 min 30 s before 17:00 → Fri 15:37:30. Counting the weekend as time would put it on
    Monday morning (and a calendar share on Saturday)."""
    dossier = receive(frozen, vn(2026, 3, 6, 14, 0), team.receptionist, variant)
    assert dossier.steps.get().due_at == vn(2026, 3, 9, 10, 7, 30)

    for moment, expected in [
        (vn(2026, 3, 6, 15, 37, 29), set()),
        (vn(2026, 3, 6, 15, 37, 30), {AlertKind.STEP_DUE_SOON}),
        (vn(2026, 3, 8, 20, 0), {AlertKind.STEP_DUE_SOON}),   # Sunday: no office time passes
        (vn(2026, 3, 9, 10, 7, 30), {AlertKind.STEP_DUE_SOON}),  # at the due time: not yet late
        (vn(2026, 3, 9, 10, 7, 31), {AlertKind.STEP_DUE_SOON, AlertKind.STEP_OVERDUE}),
    ]:
        scan(frozen, moment)
        assert step_kinds(dossier) == expected, moment


def test_dossier_due_monday_is_not_due_soon_over_the_weekend(frozen, team, variant):
    """Received Wed 04/03/2026 10:00 → Thu, Fri, Mon: due Mon 09/03 17:00. Budget: Wed 5 h + 3 × 7 h 30
    = 27 h 30 min; 75 % = 20 h 37 min 30 s: Wed 5 h, Thu 12 h 30, Fri 20 h, then 37 min 30 s on Monday
    → Mon 08:07:30. Elapsed calendar time would have crossed 75 % on Sunday (106 h of 127 h)."""
    dossier = receive(frozen, vn(2026, 3, 4, 10, 0), team.receptionist, variant)
    assert dossier.due_at == vn(2026, 3, 9, 17, 0)

    for moment, expected in [
        (vn(2026, 3, 6, 17, 0), set()),  # Fri closing: 20 h of 27 h 30 used (73 %), 7 h 30 left
        (vn(2026, 3, 8, 20, 0), set()),
        (vn(2026, 3, 9, 8, 7, 29), set()),
        (vn(2026, 3, 9, 8, 7, 30), {AlertKind.DOSSIER_DUE_SOON}),
        (vn(2026, 3, 9, 17, 0), {AlertKind.DOSSIER_DUE_SOON}),
        (vn(2026, 3, 9, 17, 0, 1), {AlertKind.DOSSIER_DUE_SOON, AlertKind.DOSSIER_OVERDUE}),
    ]:
        scan(frozen, moment)
        assert dossier_kinds(dossier) == expected, moment


def test_dossier_due_the_day_after_tet_is_due_soon_only_that_morning(frozen, team, agency):
    """Two working days received Thu 12/02/2026 10:00 → Fri 13/02, then Tết Bính Ngọ (Mon 16 – Fri
    20/02 off, weekends around it) → due Mon 23/02 17:00. Budget: Thu 5 h + Fri 7 h 30 + Mon 7 h 30 =
    20 h; 75 % = 15 h: 12 h 30 by Fri closing, then 2 h 30 from Mon 07:30 → Mon 23/02 10:00."""
    variant = full_variant(time_limit="2")
    variant.procedure.agencies.add(agency)
    dossier = receive(frozen, vn(2026, 2, 12, 10, 0), team.receptionist, variant)
    assert dossier.due_at == vn(2026, 2, 23, 17, 0)

    for moment, expected in [
        (vn(2026, 2, 13, 17, 0), set()),  # the eve of the holiday: 12 h 30 of 20 h used, 7 h 30 left
        (vn(2026, 2, 18, 9, 0), set()),   # mùng 2 Tết
        (vn(2026, 2, 22, 23, 0), set()),
        (vn(2026, 2, 23, 9, 59, 59), set()),
        (vn(2026, 2, 23, 10, 0), {AlertKind.DOSSIER_DUE_SOON}),
        (vn(2026, 2, 23, 17, 0), {AlertKind.DOSSIER_DUE_SOON}),
        (vn(2026, 2, 23, 17, 0, 1), {AlertKind.DOSSIER_DUE_SOON, AlertKind.DOSSIER_OVERDUE}),
    ]:
        scan(frozen, moment)
        assert dossier_kinds(dossier) == expected, moment


# --------------------------------------------------------------------------- who is never alerted


@pytest.mark.parametrize(("state", "expected"), [
    ("processing", True),  # the control: the same history, still running, is alerted
    ("received", True),
    ("awaiting_supplement", False),  # clock stopped
    ("awaiting_payment", False),
    ("result_ready", False),  # handling finished when the result was approved; it only waits for pick-up
    ("returned", False),
    ("refused", False),
    ("withdrawn", False),
    ("stopped", False),
])
def test_finished_and_paused_dossiers_are_never_alerted(frozen, team, build_dossier, state, expected):
    dossier = build_dossier(state)  # Mon 02/03/2026 08:00; due Thu 05/03 17:00 if it were running

    written = scan(frozen, vn(2026, 4, 2, 9, 0))

    assert bool(alerted(dossier)) is expected
    assert bool(written) is expected
    assert Message.objects.filter(key__startswith="alert:").exists() is expected


# --------------------------------------------------------------------------- exactly once


def test_running_the_scan_twice_sends_nothing_twice(frozen, team, overdue, django_capture_on_commit_callbacks,
                                                    django_assert_num_queries):
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(frozen, vn(2026, 3, 6, 9, 0)) == 8
    messages, mails = Message.objects.count(), len(mail.outbox)

    # One batch of steps, the heads of its agencies, the alerts already sent, the empty next batch.
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(4):
        assert scan(frozen, vn(2026, 3, 6, 9, 15)) == 0

    assert (Message.objects.count(), len(mail.outbox)) == (messages, mails) == (messages, 4)
    assert Alert.objects.count() == 2


def test_a_scan_losing_the_race_for_an_alert_writes_nothing(frozen, team, overdue, monkeypatch):
    """Two beats at once: both read "not alerted yet"; the unique (dossier, step, kind) row lets only
    the first insert through, and the loser writes no message."""
    assert scan(frozen, vn(2026, 3, 6, 9, 0)) == 8
    monkeypatch.setattr(alerts, "_recorded", lambda dossier_ids: set())  # the loser's stale read

    assert scan(frozen, vn(2026, 3, 6, 9, 0)) == 0

    assert Alert.objects.count() == 2
    assert Message.objects.filter(key__startswith="alert:").count() == 8


def test_alerts_are_recorded_once_even_when_the_due_time_moves(frozen, team, overdue, leader):
    """The apology (Mẫu 04, in time: Wed 04/03, the dossier due Thu 05/03 17:00) moves the appointment to
    Tue 10/03 17:00; the (dossier, step, kind) row stays unique over scans on both sides of it."""
    scan(frozen, vn(2026, 3, 4, 9, 0))
    apology.dossier_reschedule(dossier=overdue, actor=leader, new_due_at=vn(2026, 3, 10, 17, 0),
                                reason="Cần xác minh thêm")
    scan(frozen, vn(2026, 3, 11, 9, 0))

    assert scan(frozen, vn(2026, 3, 12, 9, 0)) == 0
    assert Alert.objects.filter(kind=AlertKind.DOSSIER_OVERDUE).count() == 1


# --------------------------------------------------------------------------- batches, index, cost


def test_the_scan_works_in_batches(frozen, team, variant, monkeypatch):
    monkeypatch.setattr(alerts, "BATCH", 2)
    dossiers = [receive(frozen, vn(2026, 3, 2, 8, minute), team.receptionist, variant) for minute in range(5)]

    with CaptureQueriesContext(connection) as queries:
        written = scan(frozen, vn(2026, 3, 6, 9, 0))

    steps = [q["sql"] for q in queries if 'FROM "dossiers_dossierstep"' in q["sql"]]
    # One narrow query for the candidates' ids, then their rows 2 + 2 + 1 at a time by primary key.
    assert len(steps) == 4
    assert steps[0].startswith('SELECT "dossiers_dossierstep"."id" AS "pk" FROM')
    assert all('"dossiers_dossierstep"."id" IN (' in sql and '"accounts_agency"' in sql for sql in steps[1:])
    # Only unfinished steps of dossiers whose clock runs.
    assert all('"finished_at" IS NULL' in sql and '"status" IN' in sql for sql in steps)
    for dossier in dossiers:
        assert {kind for _, kind in alerted(dossier)} == {AlertKind.STEP_OVERDUE, AlertKind.DOSSIER_OVERDUE}
    assert written == 5 * 2 * 2  # the receptionist has no head in their department: bell + e-mail


def test_the_scan_cost_does_not_grow_with_the_archive(frozen, team, overdue, build_dossier,
                                                      django_assert_num_queries):
    build_dossier("returned")
    scan(frozen, vn(2026, 3, 6, 9, 0))
    with django_assert_num_queries(4):
        scan(frozen, vn(2026, 3, 6, 9, 15))

    frozen.set(vn(2026, 3, 2, 8, 0))
    for state in ("returned", "refused", "withdrawn", "stopped"):
        build_dossier(state)
    with django_assert_num_queries(4):
        assert scan(frozen, vn(2026, 3, 6, 9, 30)) == 0


# --------------------------------------------------------------------------- the leaders' digest


@pytest.fixture
def province(agency, other_agency):
    """Two communes under one province (two tiers since 01/07/2025)."""
    province = AgencyFactory(code="000.00.00.H56", name="Ủy ban nhân dân tỉnh Thanh Hóa", level=Level.PROVINCE)
    for commune in (agency, other_agency):
        commune.parent = province
        commune.save(update_fields=["parent"])
    return province


@pytest.fixture
def digest_world(frozen, team, variant, province, other_agency, build_dossier):
    """Late dossiers received Mon 05/01/2026 (due Thu 08/01 17:00) in both communes, plus dossiers
    that must not be listed: finished, paused, and one received on the morning of the digest."""
    variant.procedure.agencies.add(other_agency)
    counter_b = UserFactory(agency=other_agency, role=Role.RECEPTION, username="tiepnhan.quangphu")
    frozen.set(vn(2026, 1, 5, 8, 0))
    late = {name: services.dossier_receive(actor=actor, intake=make_intake(variant))
            for name, actor in (("a1", team.receptionist), ("a2", team.receptionist), ("a3", team.receptionist),
                                ("b1", counter_b))}
    for name in ("a1", "a2"):
        late[name] = services.dossier_hand_over(dossier=late[name], actor=team.receptionist, to_user=team.specialist)
    quiet = [build_dossier("returned"), build_dossier("awaiting_supplement")]
    frozen.set(vn(2026, 1, 12, 6, 55))
    quiet.append(services.dossier_receive(actor=team.receptionist, intake=make_intake(variant)))
    return SimpleNamespace(late=late, quiet=quiet, province_leader=UserFactory(
        agency=province, role=Role.LEADER, username="lanhdao.tinh"), leader_b=UserFactory(
        agency=other_agency, role=Role.LEADER, username="lanhdao.quangphu"), counter_b=counter_b)


def digest_of(user) -> Message:
    return Message.objects.get(recipient=user, key__startswith="digest:", channel=Message.Channel.INAPP)


def test_digest_lists_late_dossiers_per_officer_of_the_agency_and_its_communes(frozen, team, digest_world):
    world = digest_world
    frozen.set(vn(2026, 1, 12, 7, 0))  # Monday 07:00

    written = alerts.leader_digest()

    assert written == 6  # three leaders, bell + e-mail each
    commune = digest_of(team.leader)
    assert commune.subject == "Tổng hợp 3 hồ sơ quá hạn"
    assert f"\n{team.specialist.full_name}: 2 hồ sơ" in commune.body
    assert f"\n{team.receptionist.full_name}: 1 hồ sơ" in commune.body
    codes = {name: d.code for name, d in world.late.items()}
    specialist_part = commune.body.split(f"{team.specialist.full_name}: 2 hồ sơ")[1]
    assert codes["a1"] in specialist_part and codes["a2"] in specialist_part
    assert codes["b1"] not in commune.body
    assert "hẹn 08/01/2026" in commune.body
    for dossier in world.quiet:
        assert dossier.code not in commune.body

    whole = digest_of(world.province_leader)  # the province leader sees both communes
    assert whole.subject == "Tổng hợp 4 hồ sơ quá hạn"
    assert all(code in whole.body for code in codes.values())
    assert f"{world.counter_b.full_name}: 1 hồ sơ" in whole.body

    other = digest_of(world.leader_b)
    assert other.subject == "Tổng hợp 1 hồ sơ quá hạn" and codes["b1"] in other.body


def test_digest_goes_to_leaders_only_and_once_a_day(frozen, team, digest_world):
    frozen.set(vn(2026, 1, 12, 7, 0))
    alerts.leader_digest()
    frozen.set(vn(2026, 1, 12, 7, 5))  # a second beat, or an operator re-running the command

    assert alerts.leader_digest() == 0

    readers = set(Message.objects.filter(key__startswith="digest:").values_list("recipient__role", flat=True))
    assert readers == {Role.LEADER}
    assert Message.objects.filter(key__startswith="digest:", channel=Message.Channel.EMAIL).count() == 3


@pytest.mark.parametrize(("moment", "sent"), [
    (vn(2026, 1, 12, 7, 0), True),    # an ordinary Monday
    (vn(2026, 1, 10, 7, 0), True),    # Saturday 10/01/2026: the make-up working day for Fri 02/01
    (vn(2026, 1, 17, 7, 0), False),   # an ordinary Saturday
    (vn(2026, 1, 18, 7, 0), False),   # Sunday
    (vn(2026, 2, 17, 7, 0), False),   # mùng 1 Tết Bính Ngọ
    (vn(2026, 4, 27, 7, 0), False),   # Mon 27/04/2026: Giỗ Tổ (Sun 26/04) moved to Monday
])
def test_digest_only_on_working_days(frozen, team, variant, moment, sent):
    receive(frozen, vn(2026, 1, 5, 8, 0), team.receptionist, variant)  # late from Thu 08/01 17:00
    frozen.set(moment)

    assert (alerts.leader_digest() > 0) is sent
    assert Message.objects.filter(recipient=team.leader, key__startswith="digest:").exists() is sent


def test_no_digest_when_nothing_is_late(frozen, team, variant, build_dossier):
    build_dossier("returned")  # Mon 02/03/2026: finished, so never late any more
    receive(frozen, vn(2026, 3, 9, 6, 50), team.receptionist, variant)  # counts from 07:30

    frozen.set(vn(2026, 3, 9, 7, 0))
    assert alerts.leader_digest() == 0
    assert not Message.objects.filter(key__startswith="digest:").exists()


# --------------------------------------------------------------------------- the bell and the inbox


def note(user, key: str, subject: str) -> None:
    outbox.notify_user(user, key=key, subject=subject, body="Nội dung", url="/can-bo/ho-so/")


@pytest.fixture
def inbox(team):
    note(team.specialist, "t1", "Hồ sơ A sắp đến hạn")
    note(team.specialist, "t2", "Hồ sơ B quá hạn")
    note(team.head, "t3", "Hồ sơ C của phòng khác")
    return SimpleNamespace(own=list(Message.objects.filter(recipient=team.specialist, channel="inapp")),
                           theirs=Message.objects.get(recipient=team.head, channel="inapp"))


def test_bell_counts_own_unread_in_app_messages(client, team, inbox):
    outbox.message_mark_read(user=team.specialist, message_ids=[inbox.own[0].pk])
    client.force_login(team.specialist)

    response = client.get(reverse("dossiers:inbox"))

    assert response.context["unread_alerts"] == 1  # not the e-mail copies, not the head's message
    assert 'aria-label="Thông báo chưa đọc: 1"' in response.content.decode()


def test_inbox_lists_own_in_app_messages_newest_first(client, team, inbox):
    client.force_login(team.specialist)

    response = client.get(reverse("dossiers:inbox"))

    assert [m.subject for m in response.context["items"]] == ["Hồ sơ B quá hạn", "Hồ sơ A sắp đến hạn"]
    assert "Hồ sơ C của phòng khác" not in response.content.decode()


def test_mark_one_read_then_all(client, team, inbox):
    client.force_login(team.specialist)
    first, second = inbox.own

    response = client.post(reverse("dossiers:inbox_read"), {"id": [first.pk]})
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    client.post(reverse("dossiers:inbox_read"))
    second.refresh_from_db()
    assert second.read_at is not None
    assert client.get(reverse("dossiers:inbox")).context["unread_alerts"] == 0


def test_nobody_marks_someone_elses_messages(client, team, inbox):
    client.force_login(team.specialist)

    client.post(reverse("dossiers:inbox_read"), {"id": [inbox.theirs.pk]})
    client.post(reverse("dossiers:inbox_read"))  # "all" means all of mine

    inbox.theirs.refresh_from_db()
    assert inbox.theirs.read_at is None


def test_inbox_needs_a_staff_login(client, inbox):
    response = client.get(reverse("dossiers:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.post(reverse("dossiers:inbox_read")).status_code == 302


@pytest.mark.parametrize("count", [3, 7])
def test_inbox_query_count_does_not_grow_with_the_messages(client, team, count, django_assert_num_queries):
    for n in range(count):
        note(team.specialist, f"q{n}", f"Thông báo {n}")
    client.force_login(team.specialist)

    # the user with their agency (page header; the session comes from the shared cache), the bell's
    # count, the list
    with django_assert_num_queries(3):
        response = client.get(reverse("dossiers:inbox"))
    assert len(response.context["items"]) == count


# --------------------------------------------------------------------------- the operators' commands


def test_scan_deadlines_command(frozen, team, overdue, capsys):
    frozen.set(vn(2026, 3, 6, 9, 0))

    call_command("scan_deadlines")
    call_command("scan_deadlines")

    assert capsys.readouterr().out.splitlines() == ["Đã ghi 8 thông báo.", "Đã ghi 0 thông báo."]
    assert Alert.objects.filter(dossier=overdue).count() == 2


def test_sweep_outbox_command_delivers_what_waits(frozen, team, overdue, capsys, settings):
    """The intake and handover messages of `overdue` were written, but their after-commit tasks
    never ran (the test's transaction never commits): exactly what a broker outage leaves."""
    settings.SMS_BACKEND = "dossiers.sms.MemorySMSBackend"
    waiting = Message.objects.filter(state=Message.State.PENDING).count()
    assert waiting == 3  # citizen e-mail and SMS at intake, the specialist's e-mail at the handover

    call_command("sweep_outbox")
    call_command("sweep_outbox")

    assert capsys.readouterr().out.splitlines() == ["Đã gửi 3 thông báo.", "Đã gửi 0 thông báo."]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["binh@example.com", team.specialist.email])
    assert not Message.objects.filter(state=Message.State.PENDING).exists()


def test_send_digest_command(frozen, team, variant, capsys):
    receive(frozen, vn(2026, 1, 5, 8, 0), team.receptionist, variant)

    frozen.set(vn(2026, 1, 17, 7, 0))  # Saturday
    call_command("send_digest")
    frozen.set(vn(2026, 1, 19, 7, 0))  # Monday
    call_command("send_digest")

    assert capsys.readouterr().out.splitlines() == ["Đã ghi 0 thông báo.", "Đã ghi 2 thông báo."]


def test_digest_heads_a_dossier_nobody_holds_by_where_it_is(team):
    """A late dossier out at a parallel liên thông stage or on its way between agencies has no holder,
    but it is not unassigned: the digest says where it is."""
    from dossiers.models import Dossier, TransferState

    assert alerts._held_by(Dossier(holder=team.specialist)) == str(team.specialist)
    assert alerts._held_by(Dossier(leg_stage=2)) == "Đang ở các cơ quan liên thông (song song)"
    for state in (TransferState.TO_AGENCY, TransferState.TO_DESK):
        assert alerts._held_by(Dossier(transfer_state=state)) == "Đang chuyển giữa các cơ quan"
    assert alerts._held_by(Dossier(transfer_state=TransferState.AT_AGENCY)) == "Chưa phân công"
    assert alerts._held_by(Dossier()) == "Chưa phân công"
