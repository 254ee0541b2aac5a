"""The catalogue written out in the files `import_procedures` and the admin's import read (JSON in
the shape of procedures/data/catalogue.json, or CSV with importer.CSV_COLUMNS), so a province can
take its catalogue from one portal to another, or edit it in a spreadsheet and load it back."""

import csv
import io
import json
from decimal import Decimal

from django.db.models import Prefetch

from .importer import CSV_COLUMNS
from .models import Field, Procedure, ProcedureVariant

PROCEDURE_KEYS = ("name", "level", "implementing_body", "applicants", "sequence", "result", "legal_basis",
                  "conditions", "online_level", "postal_submission", "postal_return")


def _number(value: Decimal | None):
    """8, 0.5: what a person would type (the importer reads both)."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def catalogue_data() -> dict:
    """Every procedure (active or not) with its variants, fees, papers and steps, in import order."""
    variants = ProcedureVariant.objects.order_by("order", "pk").prefetch_related("fees", "documents", "steps")
    procedures = (Procedure.objects.select_related("field").order_by("code")
                  .prefetch_related(Prefetch("variants", queryset=variants), "agencies"))
    return {
        "fields": [{"code": code, "name": name} for code, name in Field.objects.order_by("code")
                   .values_list("code", "name")],
        "procedures": [{
            "code": p.code, "field": p.field.code, **{key: getattr(p, key) for key in PROCEDURE_KEYS},
            "agencies": sorted(agency.code for agency in p.agencies.all()),
            "variants": [{
                "name": v.name, "time_limit": _number(v.time_limit), "time_unit": v.time_unit,
                "online_time_limit": _number(v.online_time_limit),
                "same_day_cutoff": v.same_day_cutoff.strftime("%H:%M"), "note": v.note,
                "fees": [{"kind": f.kind, "name": f.name, "amount": f.amount, "unit": f.unit, "channel": f.channel,
                          "exemptions": f.exemptions} for f in sorted(v.fees.all(), key=lambda f: f.pk)],
                "documents": [{"name": d.name, "form": d.form, "quantity": d.quantity, "mandatory": d.mandatory,
                               "template_name": d.template_name, "note": d.note}
                              for d in sorted(v.documents.all(), key=lambda d: (d.order, d.pk))],
                "steps": [{"name": s.name, "role": s.role, "department": s.department_name,
                           "budget": _number(s.budget)} for s in sorted(v.steps.all(), key=lambda s: (s.order, s.pk))],
            } for v in p.variants.all()],
        } for p in procedures],
    }


def catalogue_json() -> bytes:
    return json.dumps(catalogue_data(), ensure_ascii=False, indent=1).encode()


def catalogue_csv() -> bytes:
    """One line a record, as importer.parse_csv reads them (UTF-8 with a BOM, so Excel reads it)."""
    data = catalogue_data()
    fields = {f["code"]: f["name"] for f in data["fields"]}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in data["procedures"]:
        writer.writerow({"record": "procedure", "procedure_code": p["code"], "field_code": p["field"],
                         "field_name": fields[p["field"]], **{key: _cell(p[key]) for key in PROCEDURE_KEYS}})
        for v in p["variants"]:
            own = {"procedure_code": p["code"], "variant": v["name"]}
            writer.writerow({"record": "variant", **own, **{key: _cell(v[key]) for key in (
                "time_limit", "time_unit", "online_time_limit", "same_day_cutoff", "note")}})
            for record, rows in (("fee", v["fees"]), ("document", v["documents"]), ("step", v["steps"])):
                for row in rows:
                    writer.writerow({"record": record, **own, **{key: _cell(value) for key, value in row.items()}})
    return ("\ufeff" + out.getvalue()).encode()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
