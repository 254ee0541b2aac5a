"""Issue 21, item 13: one satisfaction rate everywhere. The dashboard, the ratings page, the 766 page
(and the dashboard's API) show for one period the same rate, 766 indicator 5.4, computed here from
plain counts of the dossiers moved; a rating counts once per dossier, and the per-officer table says
how it attributes a rating."""

import re

import pytest

from dossiers import services
from mocua.accounts.models import Role
from ratings.services import rating_submit

from ..dossiers.conftest import make_intake
from .test_legal_figures import vn, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
MARCH = {"period": "month", "year": 2026, "month": 3}


def _resolved(people, variant, *, approved_day: int, level: str | None, rated_day: int = 11):
    """Received Mon 02/03 08:00 (3 working days: due Thu 05/03 17:00) at the commune, approved on
    `approved_day`, handed back the same day, maybe rated on `rated_day`."""
    c = {role: people["c", role] for role in (Role.RECEPTION, Role.SPECIALIST, Role.LEADER)}
    dossier = services.dossier_receive(actor=c[Role.RECEPTION], intake=make_intake(variant), now=vn(2))
    dossier = services.dossier_hand_over(dossier=dossier, actor=c[Role.RECEPTION], to_user=c[Role.SPECIALIST],
                                         now=vn(2, 9))
    dossier = services.dossier_approve(dossier=dossier, actor=c[Role.LEADER], result_summary="Giấy khai sinh",
                                       now=vn(approved_day, 10))
    dossier = services.dossier_return(dossier=dossier, actor=c[Role.RECEPTION], collected_by="Trần Thị Bình",
                                      collected_id_number="038190001234", now=vn(approved_day, 15))
    if level:
        rating_submit(dossier=dossier, level=level, channel="kiosk", now=vn(rated_day, 9),
                      reason="Chờ lâu" if level == "not_satisfied" else "")
    return dossier


@pytest.fixture
def rated(world):  # noqa: F811
    province, commune, variant, people = world
    _resolved(people, variant, approved_day=3, level="very_satisfied")
    _resolved(people, variant, approved_day=3, level="satisfied")
    _resolved(people, variant, approved_day=3, level="not_satisfied")  # on time, disliked
    _resolved(people, variant, approved_day=10, level="not_satisfied")  # late and disliked: once, as late
    _resolved(people, variant, approved_day=4, level=None)
    # Plain counts: 5 resolved in March, 1 late (approved 10/03 after its due 05/03), 1 on time rated
    # "not satisfied"; 4 ratings, 2 of them satisfied or better.
    resolved, late, disliked = 5, 1, 1
    return world, round(100 - 100 * (late + disliked) / resolved, 2), (resolved, late, disliked)


def test_the_three_pages_show_one_rate(rated, client):
    (province, commune, variant, people), expected, (resolved, late, disliked) = rated
    assert expected == 60.0  # not 2 good of 4 ratings (50 %), the dashboard's old rate
    client.force_login(people["c", Role.LEADER])
    dashboard = client.get("/lanh-dao/", MARCH).content.decode()
    shown = f"{expected}%".replace(".", ",")  # as the Vietnamese locale prints it: 60,0%
    assert re.search(rf'id="satisfaction-rate">\s*{shown}', dashboard)
    assert f"{late} quá hạn, {disliked} không hài lòng / {resolved}" in dashboard
    ratings = client.get("/can-bo/danh-gia/", {"start": "2026-03-01", "end": "2026-03-31", "by": "agency"})
    ratings = ratings.content.decode()
    assert re.search(rf'id="satisfaction-rate">\s*{shown}', ratings)
    assert f"{late} quá hạn, {disliked} không hài lòng / {resolved}" in ratings
    index = client.get("/lanh-dao/chi-so-766/", MARCH).content.decode()
    assert f'title="{late} quá hạn, {disliked} không hài lòng / {resolved}">{shown}' in index
    body = client.get("/api/v1/stats/dashboard/", MARCH).json()
    assert body["satisfaction_rate"] == expected and body["disliked"] == disliked and body["rated"] == 4


def test_the_officers_table_says_how_it_attributes_a_rating(rated, client):
    (province, commune, variant, people), *_ = rated
    client.force_login(people["c", Role.LEADER])
    html = client.get("/can-bo/danh-gia/", {"start": "2026-03-01", "end": "2026-03-31", "by": "officer"})
    assert "Mỗi đánh giá tính cho mọi cán bộ đã xử lý hồ sơ" in html.content.decode()
    by_agency = client.get("/can-bo/danh-gia/", {"start": "2026-03-01", "end": "2026-03-31", "by": "agency"})
    assert "Mỗi đánh giá tính một lần, cho cơ quan giải quyết hồ sơ." in by_agency.content.decode()
