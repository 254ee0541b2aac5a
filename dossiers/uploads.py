"""The checks every uploaded scan goes through (the counter's attachments, the online submission):
its size, and its real type read from its first bytes, which must agree with its name."""

import os

from django.conf import settings

from mocua.errors import DomainError

SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
# The stored file keeps the uploaded name, and browsers and viewers go by its extension: a
# JPEG named .html would be served as a page, a PNG named .pdf fails to open.
EXTENSIONS = {"application/pdf": {".pdf"}, "image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}}


def sniff(head: bytes) -> str:
    """The real type of an upload from its first bytes, whatever its name says."""
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), "")


def check_upload(upload, field_name: str = "file") -> str:
    """The real content type of a scanned paper (PDF, JPEG, PNG), or DomainError naming the field."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(f"Tệp “{upload.name}” quá lớn (tối đa {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB).",
                          field=field_name)
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if not content_type or os.path.splitext(upload.name or "")[1].lower() not in EXTENSIONS[content_type]:
        raise DomainError(f"Tệp “{upload.name}” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp).",
                          field=field_name)
    return content_type
