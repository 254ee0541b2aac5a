"""Output serializers whose fields are built once per class.

DRF's ModelSerializer introspects its model and builds every field anew for each instance it
makes, which is a measurable share of an API answer holding a dossier with its papers, fees, steps
and events (docs/benchmarks.md). The fields depend only on the class (its Meta and declared
fields), so the first instance's are kept on the class and every later instance gets a deep copy,
as DRF itself copies declared fields. For read-only output: no field here looks at the context.
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
        return copy.deepcopy(built)
