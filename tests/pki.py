"""A small certificate authority made by the tests (nothing from outside), and PDFs signed with
pyHanko (PAdES) by a certificate it issued: the electronic results of issue 24.

`ca = TestCA("Sở Tư pháp thử nghiệm")`, `ca.issue("UBND phường Hạc Thành")` → a Signer;
`signer.sign(pdf_bytes)` → the signed PDF; `ca.write_anchor(folder)` → the CA's PEM in the operator's
trust folder (settings.RESULT_TRUST_DIR).
"""

import datetime as dt
import functools
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


@dataclass
class Signer:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    ca: "TestCA"

    def sign(self, pdf: bytes) -> bytes:
        """The PDF signed (PAdES baseline B) with this certificate, the CA's certificate embedded. In a
        thread of its own: pyHanko runs asyncio.run, which the browser tests' Playwright loop forbids."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(self._sign, pdf).result()

    def _sign(self, pdf: bytes) -> bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from asn1crypto import keys
            from asn1crypto import x509 as asn1_x509
            from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
            from pyhanko.sign import fields, signers
            from pyhanko_certvalidator.registry import SimpleCertificateStore

        der = serialization.Encoding.DER
        signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(self.certificate.public_bytes(der)),
            signing_key=keys.PrivateKeyInfo.load(self.key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(
                self.ca.certificate.public_bytes(der))]))
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(
            field_name="ChuKySo", subfilter=fields.SigSeedSubFilter.PADES), signer=signer)
        return out.getvalue()


class TestCA:
    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, name: str = "CA thử nghiệm của mocua"):
        now = dt.datetime.now(dt.UTC)
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(name, "mocua tests")
        self.certificate = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(self.key, hashes.SHA256()))

    def issue(self, common: str, organisation: str = "UBND phường Hạc Thành") -> Signer:
        now = dt.datetime.now(dt.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder().subject_name(_name(common, organisation))
            .issuer_name(self.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=180))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(self.key, hashes.SHA256()))
        return Signer(certificate, key, self)

    def write_anchor(self, folder: Path, filename: str = "ca.pem") -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / filename
        path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        return path


@functools.cache
def result_pdf(title: str = "GIẤY KHAI SINH") -> bytes:
    """A small unsigned PDF (WeasyPrint, as the portal's own forms), made once per title."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{title}</h1><p>Họ và tên: Trần Minh An</p><p>Số: 123/2026</p>").write_pdf()


def altered(signed: bytes) -> bytes:
    """The signed PDF with one byte changed inside the signed range (same length, offsets intact): the
    producer's name in the original document, which the signature covers."""
    at = signed.index(b"WeasyPrint")
    return signed[:at] + b"WeasyPrinT" + signed[at + len(b"WeasyPrint"):]
