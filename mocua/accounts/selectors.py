"""Reads of agencies shared by every app: the agency tree, and the one rule of whose figures a user
may read. The leaders' pages and API, the ratings pages and API, and the leaders' digest all ask here.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from .models import Agency, Role


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent_id: int | None
    depth: int
    level: str = ""  # Agency.level: Biểu 06 by field groups its rows by it


def _walk(rows: list[tuple], roots: list[tuple]) -> list[Unit]:
    """The units under `roots` in `rows` (id, name, parent_id, level), depth first, children by name."""
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row[2], []).append(row)
    units: list[Unit] = []
    pending = [(root, 0) for root in reversed(roots)]
    while pending:
        row, depth = pending.pop()
        units.append(Unit(row[0], row[1], row[2], depth, row[3]))
        # Reversed onto the stack, so that the first child by name is walked first.
        pending += [(child, depth + 1) for child in reversed(children.get(row[0], []))]
    return units


def agency_tree(agency_id: int) -> list[Unit]:
    """The agency and every agency below it (Agency.parent), depth first, children by name, root at
    depth 0. One query: all agencies, walked in Python (a province's tree is a few hundred rows)."""
    rows = list(Agency.objects.order_by("name").values_list("id", "name", "parent_id", "level"))
    return _walk(rows, [row for row in rows if row[0] == agency_id])


def agency_forest() -> list[Unit]:
    """Every active agency, each tree from its top (no active parent) down, as agency_tree walks one:
    the public figures' units (feedback.transparency). One query."""
    rows = list(Agency.objects.filter(is_active=True).order_by("name").values_list("id", "name", "parent_id",
                                                                                    "level"))
    ids = {row[0] for row in rows}
    return _walk(rows, [row for row in rows if row[2] not in ids])


def province_agency_ids(agency_id: int) -> list[int]:
    """The agencies of the province `agency_id` belongs to: the top of its tree (no parent) and every
    agency below it, the agency's own among them. One query, as agency_tree."""
    rows = list(Agency.objects.order_by("name").values_list("id", "name", "parent_id", "level"))
    parents = {row[0]: row[2] for row in rows}
    top, seen = agency_id, set()
    while parents.get(top) is not None and top not in seen:  # `seen`: a cycle typed in the admin
        seen.add(top)
        top = parents[top]
    return [unit.id for unit in _walk(rows, [row for row in rows if row[0] == top])]


@dataclass(frozen=True)
class FiguresScope:
    """Whose figures a user reads: agencies (root first, depth first) and, for a department head,
    their department, which narrows the figures about people (officers, their steps, their desks)."""

    units: tuple[Unit, ...]
    department_id: int | None = None

    @property
    def root(self) -> Unit:
        return self.units[0]

    @property
    def ids(self) -> list[int]:
        return [u.id for u in self.units]

    def name(self, agency_id: int) -> str:
        return next((u.name for u in self.units if u.id == agency_id), "")

    def subtree(self, agency_id: int) -> list[int]:
        """The agency and its descendants, if it is in the scope (else nothing)."""
        ids, found = [], None
        for unit in self.units:  # depth-first order: a subtree is a contiguous run
            if found is not None and unit.depth <= found:
                break
            if unit.id == agency_id:
                found = unit.depth
            if found is not None:
                ids.append(unit.id)
        return ids


def figures_scope(user) -> FiguresScope:
    """The rule: a leader or the agency's administrator reads their agency and every agency below it;
    a department head reads their own agency, and of its people only their own department; everyone
    else their own agency, as their role's pages allow. The agency's dossier figures (Biểu 06, the
    766 index, satisfaction) are kept per agency, not per department, so a head reads their agency's."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "agency_id", None) is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan, đơn vị nào.")
    units = agency_tree(user.agency_id)
    if user.role in (Role.LEADER, Role.ADMIN):
        return FiguresScope(tuple(units))
    return FiguresScope(tuple(units[:1]), department_id=user.department_id if user.role == Role.HEAD else None)
