"""Output serializers build their fields once per class (mocua/serializers.py): every instance
still gets fields of its own, and prints what a freshly built serializer prints."""

import pytest

from procedures.api import ProcedureDetailOutput, ProcedureListOutput

from .factories import full_variant

pytestmark = pytest.mark.django_db


def test_each_instance_gets_its_own_bound_fields():
    first, second = ProcedureDetailOutput(), ProcedureDetailOutput()
    assert first.fields.keys() == second.fields.keys()
    for name, field in second.fields.items():
        assert field is not first.fields[name]
        assert field.parent is second  # bound to its own serializer, not to the first one
    nested = second.fields["variants"].child.fields["fees"]
    assert nested is not first.fields["variants"].child.fields["fees"]


def test_a_subclass_keeps_its_own_fields():
    ProcedureDetailOutput()
    ProcedureListOutput()
    assert "legal_basis" in ProcedureDetailOutput().fields
    assert "legal_basis" not in ProcedureListOutput().fields
    assert ProcedureDetailOutput().fields["variants"].child.__class__.__name__ == "VariantOutput"
    assert ProcedureListOutput().fields["variants"].child.__class__.__name__ == "VariantSummary"


def test_the_copies_print_what_a_fresh_build_prints():
    procedure = full_variant().procedure
    fresh = type("Fresh", (ProcedureDetailOutput,), {})  # a class of its own: its first build is fresh
    expected = fresh(procedure).data
    assert expected["variants"] and expected["variants"][0]["fees"] and expected["variants"][0]["steps"]
    ProcedureDetailOutput(procedure).data  # noqa: B018 - the first build, kept on the class
    assert ProcedureDetailOutput(procedure).data == expected


def test_binding_the_copies_leaves_the_kept_fields_unbound_and_nested_ones_their_own():
    """The copies are shallow but for fields nesting others (mocua/serializers.py): binding one sets
    its own name and parent, never the kept field's, and a nested serializer's child is bound to it."""
    serializer = ProcedureDetailOutput()
    assert serializer.fields["code"].field_name == "code"
    kept = ProcedureDetailOutput._built_fields
    assert all(field.field_name is None and field.parent is None for field in kept.values())
    variants = serializer.fields["variants"]
    assert variants.child.parent is variants and variants.child.root is serializer
    assert variants.child is not kept["variants"].child
