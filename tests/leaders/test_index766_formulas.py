"""Issue 21, item 12 (with issue 24's electronic results): 766 indicators 3.3 and 4.2 follow their
formulas (domain-vn.md §7) and 4.1 says why it has no data, on the hand-built world, March 2026.
Expected values are counted here on the dossiers and their papers, not on the summary table.

- 3.3: online dossiers ÷ dossiers received; an online dossier of a procedure whose result is a paper
  document counts only with its (validly signed) electronic result.
- 4.2: (received with every paper handed in digitised + approved with a digitised result) ÷
  (received + approved, of procedures whose result is a paper document).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef

from dossiers import results
from dossiers.figures import report_figures_rebuild
from dossiers.leaders.index766 import index766
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier, ResultFile

from ..pki import TestCA, result_pdf
from .conftest import at, vn

MARCH = month_period(2026, 3)


@pytest.fixture(scope="module")
def ca():
    return TestCA("CA thử nghiệm 766 số hóa")


@pytest.fixture
def signed(settings, tmp_path, ca):
    settings.RESULT_TRUST_DIR = tmp_path / "trust"
    ca.write_anchor(settings.RESULT_TRUST_DIR)
    return ca.issue("Chủ tịch UBND xã A1").sign(result_pdf())


def attach(w, name, pdf, when):
    with at(when):
        return results.dossier_attach_result(dossier=w.fresh(name), actor=w["L1"],
                                             result_file=SimpleUploadedFile("kq.pdf", pdf))


def _march(agency, moment):
    return Dossier.objects.filter(agency=agency, **{f"{moment}__gte": MARCH.start_at, f"{moment}__lt": MARCH.end_at})


def _with_e_result(dossiers):
    return dossiers.filter(Exists(ResultFile.objects.filter(dossier=OuterRef("pk"), verdict="valid")))


def online_counted(agency) -> tuple[int, int]:
    """(online dossiers 3.3 counts, dossiers received) in March, counted on the dossiers."""
    received = _march(agency, "received_at")
    online = received.filter(channel="online")
    paper_without = online.filter(procedure__result_is_paper=True).exclude(
        pk__in=_with_e_result(online.filter(status__in=["result_ready", "returned"])).values("pk"))
    return online.count() - paper_without.count(), received.count()


def digitised_counted(agency) -> tuple[int, int]:
    """(digitised, base) of 4.2 in March, counted on the dossiers and their papers."""
    received = list(_march(agency, "received_at").prefetch_related("documents"))
    papers_done = 0
    for dossier in received:
        handed = [d for d in dossier.documents.all() if d.kind == "intake" and d.provided]
        papers_done += bool(handed) and all(d.digitisation != "none" for d in handed)
    approved = _march(agency, "finished_at").filter(status__in=["result_ready", "returned"],
                                                     procedure__result_is_paper=True, received_at__isnull=False)
    return papers_done + _with_e_result(approved).count(), len(received) + approved.count()


def _a1(w):
    rows, total = index766(scope=scope_for(w["LP"]), period=MARCH)
    return next(r for r in rows if r.key == w["A1"].pk), total


def test_3_3_counts_an_online_dossier_with_a_paper_result_only_with_its_electronic_result(w, now, signed):
    # D2: online at A1 (procedure P1, a paper result), approved 06/03 without an electronic result.
    counted, received = online_counted(w["A1"])
    a1, _ = _a1(w)
    assert a1.report["new_online"] == counted + 1  # D2 is online but not counted yet
    assert a1.indicator("3.3")["rate"] == round(100 * counted / received, 2)
    attach(w, "D2", signed, vn(3, 20, 9))
    counted_after, _ = online_counted(w["A1"])
    assert counted_after == counted + 1
    a1, total = _a1(w)
    assert a1.indicator("3.3")["rate"] == round(100 * counted_after / received, 2)
    assert a1.indicator("3.3")["basis"] == f"{counted_after}/{received}"


def test_4_2_counts_papers_digitised_at_intake_and_results_digitised(w, now, signed):
    attach(w, "D1", signed, vn(3, 4, 8))
    attach(w, "D4", signed, vn(3, 4, 9))
    done, base = digitised_counted(w["A1"])
    a1, _ = _a1(w)
    assert (a1.digitised + a1.e_results, a1.report["new_online"] + a1.report["new_offline"] + a1.paper_results) == (
        done, base)
    assert a1.indicator("4.2")["rate"] == round(100 * done / base, 2)


def test_the_rebuild_counts_the_same(w, now, signed):
    attach(w, "D2", signed, vn(3, 20, 9))
    before, _ = _a1(w)
    report_figures_rebuild()
    after, _ = _a1(w)
    assert [after.indicator(n)["rate"] for n in ("3.3", "4.1", "4.2")] == [
        before.indicator(n)["rate"] for n in ("3.3", "4.1", "4.2")]
    assert (after.new_online_paper, after.online_e_results) == (before.new_online_paper, before.online_e_results) == (
        1, 1)


def test_the_page_gives_the_formulas_and_why_4_1_has_no_data(w, now, client):
    client.force_login(w["LP"])
    html = client.get("/lanh-dao/chi-so-766/", {"period": "month", "year": 2026, "month": 1}).content.decode()
    # January: nothing received nor resolved, so no indicator has a base.
    assert ("4.1: không có dữ liệu. Không có hồ sơ nào của thủ tục có kết quả là văn bản giấy được giải quyết "
            "xong") in html
    assert "chỉ được tính khi đã có kết quả điện tử ký số hợp lệ" in html
    march = client.get("/lanh-dao/chi-so-766/", {"period": "month", "year": 2026, "month": 3}).content.decode()
    assert "4.1: không có dữ liệu" not in march
