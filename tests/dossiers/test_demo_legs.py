"""The demo's liên thông birth registration (issue 23, items 3 and 6): the groups' legs with the Decree
63/2024 times, and the story through the commune, the ward police and social insurance, the police's
leg late, as the leaders' pages show it."""

from decimal import Decimal

import pytest

from dossiers.demo.legs import seed_birth_story, seed_death_story, seed_legs
from dossiers.demo.seed import seed_catalogue, seed_organisation
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier, Timeliness
from mocua.accounts.models import User
from procedures.models import ProcedureLeg

from .conftest import vn

pytestmark = pytest.mark.django_db


def test_the_birth_registration_runs_through_three_agencies_one_leg_late(frozen):
    frozen.set(vn(2026, 3, 9, 16, 0))  # Monday; the story began four working days before (Tuesday 3rd)
    agencies = seed_organisation()
    seed_catalogue(agencies)
    seed_legs(agencies["legs"])
    seed_legs(agencies["legs"])  # once only
    police, insurance = agencies["legs"]["police"], agencies["legs"]["insurance"]
    legs = list(ProcedureLeg.objects.order_by("procedure__code", "order", "pk")
                .values_list("procedure__code", "order", "agency_id", "days", "national_group"))
    # The death group's later legs run in parallel (stage 2), the birth group's one after another.
    assert legs == [("2.002913", 1, None, Decimal("0"), "LTKT"), ("2.002913", 2, police.pk, Decimal("0"), "LTKT"),
                    ("2.002913", 2, insurance.pk, Decimal("8"), "LTKT"),
                    ("3.000722", 1, None, Decimal("0"), "LTKS"), ("3.000722", 2, police.pk, Decimal("2"), "LTKS"),
                    ("3.000722", 3, insurance.pk, Decimal("2"), "LTKS")]
    assert seed_birth_story() == 1 and seed_birth_story() == 0
    dossier = Dossier.objects.get(procedure__code="3.000722")
    assert dossier.status == "returned" and dossier.code.startswith("000.17.22.H56-260303-")
    rows = list(dossier.legs.values_list("agency__name", "timeliness"))
    assert rows == [("Ủy ban nhân dân phường Hạc Thành", Timeliness.ON_TIME),
                    ("Công an phường Hạc Thành", Timeliness.LATE),
                    ("Bảo hiểm xã hội tỉnh Thanh Hóa", Timeliness.ON_TIME)]
    # The police received it on Tuesday at 11:15 (three working hours after 8:15), due Thursday's
    # closing, and sent it on twenty-four working hours after intake (Tuesday 6 h 45 from 8:15,
    # Wednesday and Thursday 7 h 30 each): Friday at 9:45, 2 h 15 after the office opened at 7:30.
    late = dossier.legs.get(order=2)
    assert (late.due_at, late.finished_at, late.late_seconds) == (vn(2026, 3, 5, 17, 0), vn(2026, 3, 6, 9, 45),
                                                                  135 * 60)
    march = month_period(2026, 3)
    leader = User.objects.get(username="lanhdao.conganhacthanh")
    late_steps = {r.label: r.late_steps for r in officers(scope=scope_for(leader), period=march) if r.steps}
    worker = User.objects.get(username="chuyenvien.conganhacthanh")
    assert late_steps[worker.full_name] == 1


def test_the_death_registration_is_with_the_police_and_social_insurance_at_once(frozen):
    frozen.set(vn(2026, 3, 9, 16, 0))  # Monday; the story began two working days before (Thursday 5th)
    agencies = seed_organisation()
    seed_catalogue(agencies)
    seed_legs(agencies["legs"])
    assert seed_death_story() == 1 and seed_death_story() == 0
    dossier = Dossier.objects.get(procedure__code="2.002913", legs__isnull=False, legs__order=1)
    police, insurance = agencies["legs"]["police"], agencies["legs"]["insurance"]
    # Sent at 9:45 Thursday to both; the police took theirs in at 10:15 (due that day's closing) and
    # sent their part back at 14:15 (four working hours after the 8:15 intake, the lunch break skipped);
    # social insurance still works its leg.
    assert (dossier.leg_stage, dossier.legs_left, dossier.leg_agency) == (2, 1, None)
    rows = {leg.agency_id: (leg.started_at, leg.due_at, leg.finished_at, leg.timeliness, leg.holder.username
                            if leg.holder else "") for leg in dossier.legs.filter(order=2)}
    assert rows[police.pk] == (vn(2026, 3, 5, 10, 15), vn(2026, 3, 5, 17, 0), vn(2026, 3, 5, 14, 15),
                               Timeliness.ON_TIME, "")
    assert rows[insurance.pk][2:] == (None, "", "chuyenvien.bhxh")


def test_the_demo_s_register_books_run_in_order_of_receipt(frozen):
    """The history plays one dossier at a time on random days; the books are numbered again in order of
    their entries' moments (the desk's intakes and the agency's take-ins, one series), counters set."""
    from collections import defaultdict

    from dossiers.demo.history import seed_dossiers
    from dossiers.demo.registers import order_registers
    from dossiers.models import Dossier, RegisterCounter

    frozen.set(vn(2026, 3, 20, 16, 0))
    agencies = seed_organisation()
    seed_catalogue(agencies)
    assert seed_dossiers(agencies["communes"][:1], per_agency=30, days=40) > 10
    assert order_registers() > 10
    books = defaultdict(list)
    for row in Dossier.objects.filter(register_number__isnull=False).values(
            "desk_id", "register_year", "register_number", "received_at", "id"):
        books[(row["desk_id"], row["register_year"])].append((row["received_at"], row["id"], row["register_number"]))
    for key, entries in books.items():
        assert [number for _, _, number in sorted(entries)] == list(range(1, len(entries) + 1)), key
        assert RegisterCounter.objects.get(agency_id=key[0], year=key[1]).last == len(entries)
