"""dossiers.signatures.verify_pdf: the four verdicts, with a CA the test makes (tests/pki.py)."""

import pytest

from dossiers.models import SignatureVerdict
from dossiers.signatures import trust_anchors, verify_pdf
from tests.pki import TestCA, altered, result_pdf


@pytest.fixture(scope="module")
def ca():
    return TestCA("CA chuyên dùng thử nghiệm")


@pytest.fixture(scope="module")
def signed(ca):
    return ca.issue("Nguyễn Văn Chủ Tịch").sign(result_pdf())


@pytest.fixture
def anchors(tmp_path, ca):
    ca.write_anchor(tmp_path / "trust")
    return tmp_path / "trust"


def test_a_pdf_signed_by_a_certificate_of_a_trusted_ca_is_valid(signed, anchors):
    found = verify_pdf(signed, trust_dir=anchors)
    assert found.verdict == SignatureVerdict.VALID
    assert (found.signer, found.organisation) == ("Nguyễn Văn Chủ Tịch", "UBND phường Hạc Thành")
    assert found.signed_at is not None


def test_a_byte_changed_after_signing_is_altered(signed, anchors):
    assert verify_pdf(altered(signed), trust_dir=anchors).verdict == SignatureVerdict.ALTERED


def test_a_signature_by_a_ca_outside_the_trust_folder_is_an_unknown_signer(anchors):
    stranger = TestCA("CA lạ").issue("Người lạ", "Cơ quan lạ")
    found = verify_pdf(stranger.sign(result_pdf()), trust_dir=anchors)
    assert found.verdict == SignatureVerdict.UNKNOWN_SIGNER
    assert found.signer == "Người lạ"


def test_an_empty_trust_folder_trusts_no_one(signed, tmp_path):
    assert verify_pdf(signed, trust_dir=tmp_path / "none").verdict == SignatureVerdict.UNKNOWN_SIGNER


def test_an_unsigned_pdf_is_unsigned(anchors):
    assert verify_pdf(result_pdf(), trust_dir=anchors).verdict == SignatureVerdict.UNSIGNED


def test_bytes_that_are_no_pdf_count_as_altered(anchors):
    assert verify_pdf(b"%PDF-1.7 broken", trust_dir=anchors).verdict == SignatureVerdict.ALTERED


def test_the_trust_folder_skips_files_that_are_not_certificates(anchors, ca):
    (anchors / "ghi-chu.pem").write_text("không phải chứng thư")
    (anchors / "readme.txt").write_text("bỏ qua")
    assert [a.subject.native["common_name"] for a in trust_anchors(anchors)] == ["CA chuyên dùng thử nghiệm"]
