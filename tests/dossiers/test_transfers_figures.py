"""Officers' figures across agencies (issue 23, item 5): each step counts at the agency that held it. The
desk's intake and return steps of a dossier it sent to another agency are the desk's, the competent
agency's own steps are its own, in the live figures, in the rebuild and on the leaders' pages."""

import pytest
from django.urls import reverse

from dossiers import figures, services, transfers
from dossiers.leaders.officers import officer_late_steps, officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import DossierStep, Grain, OfficerDayFigures, TransferMode
from mocua.accounts.models import Role

from ..factories import UserFactory
from ..step_log import figures_from_the_log, figures_table
from .conftest import vn
from .test_transfers import Province, _receive

pytestmark = pytest.mark.django_db
MARCH = month_period(2026, 3)


@pytest.fixture
def prov(db):
    return Province()


@pytest.fixture
def journey(prov, frozen):
    """A criminal-record certificate received at commune A's desk on Monday 2 March, sent on paper on
    Wednesday at 10:00 (due Tuesday's closing: 2 h 30 late, from 7:30), resolved by the Department of
    Justice, its result sent back and handed over at the desk."""
    prov.a_leader = UserFactory(agency=prov.a, role=Role.LEADER, username="leader.a")
    dossier = _receive(prov, frozen, vn(2026, 3, 2, 10, 0))
    frozen.set(vn(2026, 3, 4, 10, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.a_reception, mode=TransferMode.PAPER)
    frozen.set(vn(2026, 3, 4, 11, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.justice_reception)
    frozen.set(vn(2026, 3, 4, 14, 0))
    dossier = services.dossier_hand_over(dossier=dossier, actor=prov.justice_reception,
                                         to_user=prov.justice_specialist)
    frozen.set(vn(2026, 3, 4, 16, 0))
    dossier = services.dossier_approve(dossier=dossier, actor=prov.justice_leader, result_summary="Phiếu LLTP số 1")
    frozen.set(vn(2026, 3, 5, 10, 0))
    dossier = transfers.dossier_transfer(dossier=dossier, actor=prov.justice_reception)
    frozen.set(vn(2026, 3, 5, 14, 0))
    dossier = transfers.dossier_receive_transfer(dossier=dossier, actor=prov.a_reception)
    frozen.set(vn(2026, 3, 5, 15, 0))
    return services.dossier_return(dossier=dossier, actor=prov.a_reception, collected_by="Trần Thị Bình",
                                   collected_id_number="038190001234")


def _by_officer(rows) -> dict[str, tuple[int, int, int]]:
    return {r.key: (r.steps, r.late_steps, r.late_seconds) for r in rows if r.steps}


def test_each_step_is_held_where_its_officer_works(prov, journey):
    held = list(journey.steps.order_by("started_at", "pk").values_list("step_name", "agency_id"))
    assert held == [
        ("Tiếp nhận hồ sơ", prov.a.pk), ("Chuyển đến Sở Tư pháp tỉnh T", prov.justice.pk),
        ("Tiếp nhận hồ sơ", prov.justice.pk), ("Thẩm định, xử lý", prov.justice.pk),
        ("Trả kết quả", prov.justice.pk), ("Chuyển đến UBND xã A", prov.a.pk), ("Trả kết quả", prov.a.pk),
    ]


def test_the_desk_s_leader_sees_the_desk_officer_s_steps_and_the_agency_s_its_own(prov, journey):
    late_intake = int(2.5 * 3600)  # Wednesday 7:30 → 10:00 past Tuesday's closing
    desk = _by_officer(officers(scope=scope_for(prov.a_leader), period=MARCH))
    # The intake (late) and the handing over of the result: two steps of the desk's officer.
    assert desk == {prov.a_reception.pk: (2, 1, late_intake)}
    justice = _by_officer(officers(scope=scope_for(prov.justice_leader), period=MARCH))
    # Its counter took it in and sent the result back (two steps), its specialist appraised it; none late.
    assert justice == {prov.justice_reception.pk: (2, 0, 0), prov.justice_specialist.pk: (1, 0, 0)}
    # The desk's leader opens the officer's late steps: the intake step of the other agency's dossier.
    late = list(officer_late_steps(officer=prov.a_reception, scope=scope_for(prov.a_leader), period=MARCH))
    assert [(s.dossier.code, s.step_name, s.late_seconds) for s in late] == [(journey.code, "Tiếp nhận hồ sơ",
                                                                               late_intake)]
    assert not list(officer_late_steps(officer=prov.a_reception, scope=scope_for(prov.justice_leader),
                                       period=MARCH))


def test_the_rebuild_attributes_the_steps_as_the_moves_did(prov, journey):
    month = OfficerDayFigures.objects.filter(grain=Grain.MONTH)
    per_agency = {(r.agency_id, r.officer_id): (r.steps, r.late_steps) for r in month}
    # Plain counts: the desk's officer 2 steps (1 late), the journey back (no officer) 1 at the desk;
    # the journey out (no officer) 1, the counter 2, the specialist 1 at the Department of Justice.
    expected = {(prov.a.pk, prov.a_reception.pk): (2, 1), (prov.a.pk, 0): (1, 0),
                (prov.justice.pk, 0): (1, 0), (prov.justice.pk, prov.justice_reception.pk): (2, 0),
                (prov.justice.pk, prov.justice_specialist.pk): (1, 0)}
    assert per_agency == expected
    live = figures_table()
    assert live == figures_from_the_log()
    figures.officer_figures_rebuild()
    assert figures_table() == live
    # A row loaded past the services (the bench's COPY: no agency) counts at the dossier's agency.
    DossierStep.objects.create(dossier=journey, step_index=9, step_name="Nạp từ hệ thống cũ", to_user=prov.a_reception,
                               started_at=vn(2026, 3, 6, 8, 0), due_at=vn(2026, 3, 6, 17, 0),
                               finished_at=vn(2026, 3, 6, 9, 0), timeliness="on_time")
    figures.officer_figures_rebuild()
    rebuilt = {(r.agency_id, r.officer_id): r.steps for r in OfficerDayFigures.objects.filter(grain=Grain.MONTH)}
    assert (rebuilt[(prov.a.pk, prov.a_reception.pk)], rebuilt[(prov.justice.pk, prov.a_reception.pk)]) == (2, 1)
    assert figures_table() == figures_from_the_log()


def test_the_officers_page_of_the_desk_s_leader(prov, journey, client):
    client.force_login(prov.a_leader)
    page = client.get(reverse("leaders:officers"), {"period": "month", "year": "2026", "month": "3"})
    assert page.status_code == 200
    rows = {r.key: (r.steps, r.late_steps) for r in page.context["rows"]}
    assert rows[prov.a_reception.pk] == (2, 1)
    client.force_login(prov.justice_leader)
    page = client.get(reverse("leaders:officers"), {"period": "month", "year": "2026", "month": "3"})
    rows = {r.key: (r.steps, r.late_steps) for r in page.context["rows"]}
    assert rows[prov.justice_reception.pk] == (2, 0) and prov.a_reception.pk not in rows


def test_the_migration_gives_the_desk_its_officers_steps_back(prov, journey):
    """Migration 0015's backfill on steps written before the column (NULL): the desk officer's steps of a
    transferred dossier become the desk's, the others stay NULL (read as the dossier's agency)."""
    import importlib

    from django.apps import apps
    from django.db import connection

    table = DossierStep._meta.db_table
    with connection.cursor() as cursor:  # as rows written before the column: past the guard, once
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER dossierstep_guard")
        cursor.execute(f"UPDATE {table} SET agency_id = NULL")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER dossierstep_guard")
    migration = importlib.import_module("dossiers.migrations.0016_step_agency_and_legs")
    with connection.schema_editor() as editor:
        migration.desk_steps(apps, editor)
    held = list(journey.steps.order_by("started_at", "pk").values_list("to_user__username", "agency_id"))
    assert held == [("reception.a", prov.a.pk), (None, None), ("reception.justice", None),
                    ("specialist.justice", None), ("reception.justice", None), (None, None),
                    ("reception.a", prov.a.pk)]
    with pytest.raises(Exception, match="cannot change"):  # the guard is back on
        DossierStep.objects.filter(dossier=journey).update(agency=None)
