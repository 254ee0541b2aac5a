"""Output serializers whose fields are built once per class.

DRF's ModelSerializer introspects its model and builds every field anew for each instance it
makes, which is a measurable share of an API answer holding a dossier with its papers, fees, steps
and events (docs/benchmarks.md). The fields depend only on the class (its Meta and declared
fields), so the first instance's are kept on the class and every later instance gets copies. For
read-only output: no field here looks at the context.

The copies are shallow, but for nested serializers: binding a field to its serializer sets attributes
on the copy only, and writing a value changes nothing on the field, whereas DRF's deep copy builds each
field anew (its __init__ with deep-copied arguments), a fifth of an API intake's CPU (docs/benchmarks.md,
issue 26's third pass). A field nesting another (a serializer, a list's child, a many-relation) is
deep-copied, so that what it nests is bound to it.
"""

import copy

from rest_framework import serializers


class OutputSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")  # this class's own: a subclass has other fields
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return {name: copy.deepcopy(field) if _nests(field) else copy.copy(field) for name, field in built.items()}


def _nests(field) -> bool:
    """A serializer, or a field holding one bound to itself (a list's child, a many-relation's)."""
    return isinstance(field, serializers.BaseSerializer) or hasattr(field, "child") or hasattr(field, "child_relation")
