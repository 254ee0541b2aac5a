"""Path converters: a URL's parts are matched by what they may be, so that a NUL, a 10,000-character
value or a stray "%" in a path is "no such page" (404) before any view or query sees it. Each urls
module imports this one, which registers the converters."""

from django.urls import register_converter

from .inputs import CATALOGUE_CODE, DOSSIER_CODE, MAX_ID


class _Converter:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class DossierCode(_Converter):
    regex = DOSSIER_CODE


class CatalogueCode(_Converter):
    regex = CATALOGUE_CODE


class SignedToken(_Converter):
    """django.core.signing's URL-safe base64 and separators; a receipt's token is ~100 characters."""

    regex = r"[0-9A-Za-z_\-:.]{1,500}"


class Slug(_Converter):
    regex = r"[0-9a-z_\-]{1,40}"


class Id(_Converter):
    """A database id: 1 to 19 ASCII digits, at most bigint's maximum (else 404, not an overflow)."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError("out of range")  # the resolver then tries the next pattern, and 404s
        return number


for name, converter in (("dossier_code", DossierCode), ("catalogue_code", CatalogueCode), ("token", SignedToken),
                        ("key", Slug), ("id", Id)):
    register_converter(converter, name)
