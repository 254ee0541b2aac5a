"""766 indicator 4.1 (electronic results) on the hand-built world, March 2026, with signed results
attached by the test (a CA it makes): the page's figure against a count made here on the rows.

4.1 = dossiers approved with a validly signed electronic result ÷ dossiers approved, of procedures
whose result is a paper document, on the local day handling ended. Max 6 points at 100 %.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef

from dossiers import results
from dossiers.leaders.index766 import index766
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier, ResultFile

from ..pki import TestCA, result_pdf
from .conftest import at, vn

MARCH = month_period(2026, 3)


@pytest.fixture(scope="module")
def ca():
    return TestCA("CA thử nghiệm 766")


def attach(w, name, pdf, when):
    with at(when):
        return results.dossier_attach_result(dossier=w.fresh(name), actor=w["L1"],
                                             result_file=SimpleUploadedFile("kq.pdf", pdf))


def counted_on_the_rows(agency) -> tuple[int, int]:
    """(with a valid electronic result, approved) among the agency's dossiers approved in March, of
    procedures with a paper result: counted on the dossiers, not on the summary table."""
    approved = Dossier.objects.filter(agency=agency, status__in=["result_ready", "returned"],
                                      procedure__result_is_paper=True, finished_at__gte=MARCH.start_at,
                                      finished_at__lt=MARCH.end_at)
    valid = approved.filter(Exists(ResultFile.objects.filter(dossier=OuterRef("pk"), verdict="valid")))
    return valid.count(), approved.count()


def test_4_1_counts_the_approved_dossiers_with_a_valid_signed_result(w, now, settings, tmp_path, ca):
    settings.RESULT_TRUST_DIR = tmp_path / "trust"
    ca.write_anchor(settings.RESULT_TRUST_DIR)
    signer = ca.issue("Chủ tịch UBND xã A1")
    valid = signer.sign(result_pdf())
    attach(w, "D1", valid, vn(3, 4, 8))
    attach(w, "D1", signer.sign(result_pdf("BẢN SAO")), vn(3, 4, 8, 5))  # a second result: counted once
    attach(w, "D3", valid, vn(4, 2, 9))  # attached in April: counts on D3's day of approval, in March
    attach(w, "D6", TestCA("CA lạ").issue("Người lạ").sign(result_pdf()), vn(3, 12, 9))  # unknown signer
    attach(w, "D15", valid, vn(4, 2, 11))  # approved in April: not March's

    rows, total = index766(scope=scope_for(w["LP"]), period=MARCH)
    a1 = next(r for r in rows if r.key == w["A1"].pk)

    assert counted_on_the_rows(w["A1"]) == (2, 6)
    assert (a1.e_results, a1.paper_results) == (2, 6)
    assert (a1.indicator("4.1")["rate"], a1.indicator("4.1")["points"]) == (33.33, 2.0)
    assert total.indicator("4.1")["basis"] == "2/6"
