"""Concurrent writers on real PostgreSQL connections: dossier codes under parallel intake, and
two moves racing on one dossier (DESIGN.md: exactly one wins, the other gets a conflict).

Each thread has its own database connection, so these tests commit for real
(transaction=True) and run only on PostgreSQL; SQLite serialises writers on its own.
"""

import threading
import time

import pytest
from django.db import connection, connections

from dossiers import services
from dossiers.models import CodeCounter, Dossier, DossierEvent, RegisterCounter
from dossiers.workflow import Status
from mocua.accounts.models import User
from mocua.errors import ConflictError
from procedures.models import ProcedureVariant

from .conftest import make_intake, vn

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real connections"),
    pytest.mark.django_db(transaction=True),
]


def run_together(jobs):
    """Run the callables in threads that start at the same moment; return (results, errors) by index."""
    barrier = threading.Barrier(len(jobs))
    results, errors = {}, {}

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test, which asserts on it
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results, errors


@pytest.fixture
def slow_moves(monkeypatch):
    """Hold the row lock a little longer inside each move, so that the racers really overlap."""
    record = services._record

    def slow_record(*args, **kwargs):
        time.sleep(0.3)
        return record(*args, **kwargs)

    monkeypatch.setattr(services, "_record", slow_record)


def test_twenty_parallel_intakes_get_twenty_distinct_codes(frozen, receptionist, variant):
    frozen.set(vn(2026, 3, 2, 9, 0))

    def intake():
        # Fresh rows per thread: model instances and their caches are not shared across threads.
        actor = User.objects.select_related("agency").get(pk=receptionist.pk)
        return services.dossier_receive(actor=actor, intake=make_intake(ProcedureVariant.objects.get(pk=variant.pk)))

    results, errors = run_together([intake] * 20)

    assert errors == {}
    codes = sorted(d.code for d in results.values())
    assert codes == [f"000.17.22.H56-260302-{n:04d}" for n in range(1, 21)]
    assert Dossier.objects.filter(code__in=codes).count() == 20
    assert CodeCounter.objects.get(agency=receptionist.agency).last == 20
    # The register's entries too (issue 21, item 5): 1 to 20 in the year's book, each once.
    assert sorted(d.register_number for d in results.values()) == list(range(1, 21))
    assert {d.register_year for d in results.values()} == {2026}
    assert RegisterCounter.objects.get(agency=receptionist.agency, year=2026).last == 20


def test_two_leaders_approving_at_once_one_wins(frozen, processing, leader, agency, slow_moves):
    from ..factories import UserFactory

    other_leader = UserFactory(agency=agency, role="leader", username="phochutich")
    events_before = DossierEvent.objects.filter(dossier=processing).count()

    def approve(actor):
        return lambda: services.dossier_approve(dossier=Dossier.objects.get(pk=processing.pk), actor=actor,
                                                result_summary=f"Ký bởi {actor.username}")

    results, errors = run_together([approve(leader), approve(other_leader)])

    assert len(results) == 1 and len(errors) == 1
    error = next(iter(errors.values()))
    assert isinstance(error, ConflictError)
    assert error.code == "invalid_transition"
    fresh = Dossier.objects.get(pk=processing.pk)
    assert fresh.status == Status.RESULT_READY
    assert fresh.version == processing.version + 1
    assert DossierEvent.objects.filter(dossier=processing).count() == events_before + 1
    assert DossierEvent.objects.filter(dossier=processing, action="approve").count() == 1


def test_two_handovers_from_the_same_page_one_wins(frozen, processing, specialist, head, leader, slow_moves):
    # Both officers read version N and press "hand over": without the lock and the version check
    # both moves would pass, since processing → processing is legal.
    read_version = processing.version
    steps_before = processing.steps.count()
    events_before = DossierEvent.objects.filter(dossier=processing).count()

    def hand_over(actor, to_user):
        return lambda: services.dossier_hand_over(dossier=Dossier.objects.get(pk=processing.pk), actor=actor,
                                                  to_user=to_user, expected_version=read_version)

    results, errors = run_together([hand_over(specialist, head), hand_over(head, leader)])

    assert len(results) == 1 and len(errors) == 1
    error = next(iter(errors.values()))
    assert isinstance(error, ConflictError)
    assert error.code == "stale_version"
    winner = next(iter(results.values()))
    fresh = Dossier.objects.get(pk=processing.pk)
    assert (fresh.version, fresh.holder_id) == (read_version + 1, winner.holder_id)
    assert DossierEvent.objects.filter(dossier=processing).count() == events_before + 1
    assert processing.steps.count() == steps_before + 1
    assert processing.steps.filter(finished_at__isnull=True).count() == 1


def test_two_steps_finished_at_once_both_count_in_their_officers_day(frozen, received, receptionist, specialist,
                                                                      intake, slow_moves):
    """Both moves add to one row of the leaders' daily figures, and to its month row: the upsert
    makes the second wait for the first's rows and add to them, rather than fail on the unique key,
    overwrite them or deadlock (both lock the day row first)."""
    from dossiers.models import Grain, OfficerDayFigures

    second = services.dossier_receive(actor=receptionist, intake=intake)
    frozen.set(vn(2026, 3, 2, 9, 0))

    def hand_over(dossier):
        return lambda: services.dossier_hand_over(dossier=Dossier.objects.get(pk=dossier.pk),
                                                  actor=User.objects.get(pk=receptionist.pk), to_user=specialist)

    results, errors = run_together([hand_over(received), hand_over(second)])

    assert errors == {} and len(results) == 2
    row = OfficerDayFigures.objects.get(grain=Grain.DAY, officer_id=receptionist.pk, day=vn(2026, 3, 2).date())
    assert (row.steps, row.late_steps) == (2, 0)
    month = OfficerDayFigures.objects.get(grain=Grain.MONTH, officer_id=receptionist.pk, day=vn(2026, 3, 1).date())
    assert (month.steps, month.late_steps) == (2, 0)
