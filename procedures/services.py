"""Writes to the catalogue. The import is all-or-nothing: checked first, then one transaction."""

from dataclasses import dataclass

from django.db import transaction

from mocua.accounts.models import Agency

from . import importer
from .models import Fee, Field, Procedure, ProcedureStep, ProcedureVariant, RequiredDocument


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] | None = None


def catalogue_import(*, raw: bytes, fmt: str) -> ImportResult:
    """Import or update procedures from a JSON or CSV file. Any bad row → nothing is written.

    Raises importer.CatalogueFileError when the file itself cannot be read.
    """
    data = importer.parse(raw, fmt)
    checked = importer.check(data, known_fields=set(Field.objects.values_list("code", flat=True)))
    agency_codes = {code for p in checked.procedures for code in p["agencies"]}
    known_agencies = dict(Agency.objects.filter(code__in=agency_codes).values_list("code", "pk"))
    for procedure in checked.procedures:
        for code in procedure["agencies"]:
            if code not in known_agencies:
                checked.errors.append((0, f"thủ tục {procedure['code']}: cơ quan {code!r} không tồn tại"))
    if checked.errors:
        return ImportResult(errors=checked.errors)
    result = ImportResult(errors=[])
    with transaction.atomic():
        for item in checked.fields:
            Field.objects.update_or_create(code=item["code"], defaults={"name": item["name"]})
        fields = {f.code: f for f in Field.objects.all()}
        for item in checked.procedures:
            created = _upsert_procedure(item, fields, known_agencies)
            result.created += created
            result.updated += not created
    return result


def _upsert_procedure(item: dict, fields: dict, agencies: dict) -> bool:
    values = {k: v for k, v in item.items() if k not in ("code", "variants", "agencies", "field")}
    procedure, created = Procedure.objects.update_or_create(
        code=item["code"], defaults={**values, "field": fields[item["field"]]})
    if item["agencies"]:
        procedure.agencies.set([agencies[code] for code in item["agencies"]])
    keep = []
    for order, variant_item in enumerate(item["variants"], start=1):
        children = {key: variant_item[key] for key in ("fees", "documents", "steps")}
        values = {k: v for k, v in variant_item.items() if k not in children and k != "name"}
        variant, _ = ProcedureVariant.objects.update_or_create(
            procedure=procedure, name=variant_item["name"], defaults={**values, "order": order})
        keep.append(variant.pk)
        # Fees, papers and steps are replaced whole: running dossiers keep their own copy.
        variant.fees.all().delete()
        variant.documents.all().delete()
        variant.steps.all().delete()
        Fee.objects.bulk_create(Fee(variant=variant, **fee) for fee in children["fees"])
        RequiredDocument.objects.bulk_create(
            RequiredDocument(variant=variant, order=n, **doc) for n, doc in enumerate(children["documents"], 1))
        ProcedureStep.objects.bulk_create(
            ProcedureStep(variant=variant, order=n, **step) for n, step in enumerate(children["steps"], 1))
    procedure.variants.exclude(pk__in=keep).delete()
    return created
