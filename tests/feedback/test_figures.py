"""The feedback figures per unit and officer and the 766 group-5 indicators, derived by hand from a
story told on the work calendar (March 2026, read on Mon 06/04/2026), item by item."""

import pytest

from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import Filters, scope_for
from feedback import figures, services
from feedback.workflow import Category
from mocua.accounts.models import Role
from mocua.accounts.selectors import FiguresScope, Unit

from ..factories import UserFactory
from .conftest import send, vn

pytestmark = pytest.mark.django_db
MARCH = month_period(2026, 3)


@pytest.fixture
def story(agency, other_agency, specialist, head, frozen):
    at = frozen.set
    at(vn(2026, 2, 20, 9, 0))
    g = send(agency, title="G")  # received in February, answered in March on time, never published
    at(vn(2026, 3, 2, 8, 0))
    a, b, c, e = (send(agency, title=t) for t in "ABCE")
    at(vn(2026, 3, 3, 9, 0))
    services.feedback_classify(item=a, actor=specialist, category=Category.RULE)
    services.feedback_classify(item=c, actor=specialist, category=Category.CONDUCT)
    services.feedback_classify(item=g, actor=specialist, category=Category.RULE)  # late: due 27/02
    services.feedback_answer(item=g, actor=specialist, answer="Trả lời G")
    at(vn(2026, 3, 4, 10, 0))
    services.feedback_forward(item=e, actor=specialist, to_agency=other_agency, reason="Phường khác")  # → F
    at(vn(2026, 3, 5, 10, 0))
    services.feedback_answer(item=a, actor=specialist, answer="Trả lời A")
    services.feedback_refuse(item=b, actor=specialist, reason="Là khiếu nại")  # late: due Wed 04/03 17:00
    at(vn(2026, 3, 6, 10, 0))
    services.feedback_publish(item=a, actor=head, public_question="Câu hỏi A.", public_answer="Trả lời A.")
    services.feedback_react(item=a, reaction="satisfied")
    at(vn(2026, 3, 10, 9, 0))
    send(agency, title="D")  # never handled: its answer was due Tue 31/03 17:00
    at(vn(2026, 3, 25, 9, 0))
    services.feedback_answer(item=c, actor=specialist, answer="Trả lời C")  # late: due Mon 23/03 17:00
    services.feedback_react(item=c, reaction="not_satisfied")
    at(vn(2026, 4, 6, 10, 0))
    return {"a": a, "b": b, "c": c, "g": g}


def counts(row) -> dict:
    return {name: getattr(row, name) for name in figures.COUNTERS}


def test_each_unit_and_the_total_by_hand(story, agency, other_agency):
    scope = FiguresScope((Unit(agency.pk, agency.name, None, 0), Unit(other_agency.pk, other_agency.name, None, 0)))
    units, total = figures.per_unit(scope=scope, period=MARCH)
    mine, theirs = units
    # Received A, B, C, D, E; B refused; A and C classified; handled A, B, C, E (forwarded) and G; late B
    # (refused late), C (answered late) and G (answered, and its publication overdue); D open and late.
    assert counts(mine) == {"received": 5, "refused": 1, "classified": 2, "handled": 5, "handled_late": 3,
                            "open_end": 1, "open_late": 1, "answered": 3, "answered_bad": 2}
    # F, forwarded in on 04/03: its own clock, its answer due Wed 25/03; still open.
    assert counts(theirs) == {"received": 1, "refused": 0, "classified": 0, "handled": 0, "handled_late": 0,
                              "open_end": 1, "open_late": 1, "answered": 0, "answered_bad": 0}
    assert counts(total) == {name: counts(mine)[name] + counts(theirs)[name] for name in figures.COUNTERS}
    indicators = {i["number"]: i for i in mine.indicators}
    assert (indicators["5.1"]["rate"], indicators["5.1"]["points"], indicators["5.1"]["basis"]) == (50.0, 2.5, "2/4")
    assert (indicators["5.2"]["rate"], indicators["5.2"]["points"], indicators["5.2"]["basis"]) == (33.33, 1.67, "2/6")
    assert (indicators["5.3"]["rate"], indicators["5.3"]["points"]) == (33.33, 0.67)
    assert mine.handled_on_time == 2 and mine.on_time_rate == 33.33


def test_each_officer_and_the_items_no_one_was_given(story, agency, leader, specialist):
    rows = figures.per_officer(scope=scope_for(leader), period=MARCH)
    by_label = {row.key: counts(row) for row in rows}
    assert by_label[specialist.pk] == {"received": 2, "refused": 0, "classified": 2, "handled": 3,
                                       "handled_late": 2, "open_end": 0, "open_late": 0, "answered": 3,
                                       "answered_bad": 2}
    assert by_label[None] == {"received": 3, "refused": 1, "classified": 0, "handled": 2, "handled_late": 1,
                              "open_end": 1, "open_late": 1, "answered": 0, "answered_bad": 0}
    assert rows[-1].key is None and rows[-1].label == "Chưa giao"


def test_a_department_head_reads_their_departments_officers(story, agency):
    outsider_head = UserFactory(agency=agency, role=Role.HEAD, username="tp.khac")
    assert figures.per_officer(scope=scope_for(outsider_head), period=MARCH) == []


def test_a_filter_on_a_unit_outside_the_scope_counts_nothing(story, leader, other_agency):
    units, total = figures.per_unit(scope=scope_for(leader), period=MARCH, filters=Filters(agency_id=other_agency.pk))
    assert units == [] and total.received == 0


def test_a_clock_stopped_within_the_limit_is_not_late(agency, specialist, frozen):
    frozen.set(vn(2026, 3, 2, 8, 0))
    item = services.feedback_classify(item=send(agency), actor=specialist, category=Category.RULE)
    frozen.set(vn(2026, 3, 4, 9, 0))  # within its 5 days; the citizen never answers
    services.feedback_request_info(item=item, actor=specialist, question="Thêm thông tin?")
    frozen.set(vn(2026, 4, 6, 10, 0))
    scope = FiguresScope((Unit(agency.pk, agency.name, None, 0),))
    row = figures.per_unit(scope=scope, period=MARCH)[0][0]
    assert (row.open_end, row.open_late) == (1, 0)
