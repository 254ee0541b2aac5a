"""Whose figures a leader reads (mocua.accounts.selectors, the one rule) and the filters they choose
within it: a unit of the scope (with the units below it), a field, a procedure."""

from dataclasses import dataclass

from django.db.models import Q

from mocua.accounts.selectors import FiguresScope, figures_scope
from procedures.models import Field, Procedure

Scope = FiguresScope
scope_for = figures_scope


def department_q(scope: Scope, field: str) -> Q:
    """Narrows figures about people to a department head's own department (`field` reaches the
    department id from the rows at hand); everyone else reads every department of the scope."""
    return Q(**{field: scope.department_id}) if scope.department_id else Q()


@dataclass(frozen=True)
class Filters:
    agency_id: int | None = None
    field_id: int | None = None
    procedure_id: int | None = None

    def agency_ids(self, scope: Scope) -> list[int]:
        return scope.subtree(self.agency_id) if self.agency_id else scope.ids

    def dossiers(self, scope: Scope, prefix: str = "") -> Q:
        """The scope's dossiers under these filters; `prefix` reaches them from another model (the
        summary tables share the dossiers' agency and procedure columns)."""
        return Q(**{f"{prefix}agency_id__in": self.agency_ids(scope)}) & self._procedure_q(prefix)

    def steps(self, scope: Scope) -> Q:
        """The steps held within the scope under these filters (DossierStep.agency, the dossier's when
        the row has none): the desk's intake step of a dossier sent to another agency is the desk's."""
        ids = self.agency_ids(scope)
        held = Q(agency_id__in=ids) | Q(agency__isnull=True, dossier__agency_id__in=ids)
        return held & self._procedure_q("dossier__")

    def procedure_q(self, prefix: str = "") -> Q:
        """The field and procedure filters alone, on rows that reach the dossier through `prefix`."""
        return self._procedure_q(prefix)

    def _procedure_q(self, prefix: str) -> Q:
        q = Q()
        if self.field_id:
            q &= Q(**{f"{prefix}procedure__field_id": self.field_id})
        if self.procedure_id:
            q &= Q(**{f"{prefix}procedure_id": self.procedure_id})
        return q


def filter_choices(scope: Scope) -> tuple[list[tuple], list[tuple]]:
    """Fields and procedures a leader may filter by: those handled within the scope (2 queries)."""
    procedures = list(Procedure.objects.filter(agencies__in=scope.ids).distinct()
                      .order_by("code").values_list("id", "code", "name", "field_id"))
    field_ids = {p[3] for p in procedures}
    fields = list(Field.objects.filter(pk__in=field_ids).order_by("name").values_list("id", "name"))
    return fields, procedures
