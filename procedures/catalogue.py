"""The public catalogue page's data, read once per process and kept until its version changes.

The catalogue changes only on an import or an admin edit, yet `/thu-tuc/` is the portal's most
visited page: five queries and a prefetch a visit were most of its cost (docs/benchmarks.md, issue 26).
Each process keeps one snapshot of the active procedures and the filters' choices, tagged with the
version read from the shared cache; a save or delete of a catalogue row (signals below: the import
saves through the ORM, so it is covered too) writes a new version, and every process rebuilds its
snapshot on its next visit. One cache read a visit, no query.

The counter's API intake reads its variant the same way (`intake_variant`): the variant with its
papers, fees and steps, its procedure with its liên thông legs and the agencies named for it, kept
per process under the same version (five queries an intake otherwise; docs/benchmarks.md, issue 26's
third pass). A change made with `QuerySet.update()` sends no signal: call `bump()` after it.
"""

import threading
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from mocua.accounts.models import Agency, Level

from .models import (
    Fee,
    Field,
    Procedure,
    ProcedureLeg,
    ProcedureStep,
    ProcedureVariant,
    RequiredDocument,
    time_label,
)
from .selectors import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, search_fold

VERSION_KEY = "procedures:catalogue:version"


@dataclass(frozen=True)
class Row:
    """What a catalogue list row shows and what its filters match."""

    code: str
    name: str
    field_code: str
    field_name: str
    level: str
    level_label: str
    online_label: str  # "" for counter-only procedures
    time_labels: str  # the variants' limits, "07 ngày làm việc; Trong ngày"
    search_iy: str  # the folded code, name and result, y read as i (selectors.search_fold)
    agency_codes: frozenset[str]


@dataclass
class Snapshot:
    version: str
    rows: list[Row] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)  # (code, name) by name
    agencies: list[tuple[str, str]] = field(default_factory=list)  # (code, name) by level, name


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def version() -> str:
    """The catalogue's current version; a new one is made when the cache lost it (restart, flush),
    so a process never keeps a snapshot older than the cache's memory."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def bump() -> None:
    """A new version: every process rebuilds its snapshot on its next read."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed(**kwargs) -> None:
    # Now, for this process and for tests (whose transactions never commit), and again at commit,
    # so a process that rebuilt from the rows before the commit rebuilds once more.
    bump()
    transaction.on_commit(bump)


# The variant's own rows too: intake_variant keeps them (the import replaces them after saving the variant).
for _model in (Procedure, ProcedureVariant, Field, Agency, Fee, RequiredDocument, ProcedureStep, ProcedureLeg):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"catalogue-{_model.__name__}-save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"catalogue-{_model.__name__}-delete")


@receiver(m2m_changed, sender=Procedure.agencies.through, dispatch_uid="catalogue-agencies")
def _agencies_changed(action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed()


def _build(tag: str) -> Snapshot:
    levels = dict(Level.choices)
    limits: dict[int, list[str]] = {}
    for procedure_id, amount, unit in (ProcedureVariant.objects.filter(procedure__is_active=True)
                                       .order_by("procedure_id", "order", "pk")
                                       .values_list("procedure_id", "time_limit", "time_unit")):
        limits.setdefault(procedure_id, []).append(time_label(amount, unit))
    agencies: dict[int, set[str]] = {}
    for procedure_id, code in Procedure.agencies.through.objects.values_list("procedure_id", "agency__code"):
        agencies.setdefault(procedure_id, set()).add(code)
    rows = []
    for procedure in (Procedure.objects.filter(is_active=True).select_related("field")
                      .order_by("field__name", "name", "code")):
        rows.append(Row(
            code=procedure.code, name=procedure.name, field_code=procedure.field.code,
            field_name=procedure.field.name, level=procedure.level, level_label=levels.get(procedure.level, ""),
            online_label="" if not procedure.accepts_online else procedure.get_online_level_display(),
            time_labels="; ".join(limits.get(procedure.pk, [])), search_iy=procedure.search_text.replace("y", "i"),
            agency_codes=frozenset(agencies.get(procedure.pk, ()))))
    return Snapshot(
        version=tag, rows=rows,
        fields=list(Field.objects.order_by("name").values_list("code", "name")),
        agencies=list(Agency.objects.filter(is_active=True).order_by("level", "name").values_list("code", "name")))


def snapshot() -> Snapshot:
    """This process's snapshot of the catalogue, rebuilt when the shared version moved."""
    global _snapshot
    tag = version()
    current = _snapshot
    if current is not None and current.version == tag:
        return current
    with _lock:
        if _snapshot is None or _snapshot.version != tag:
            _snapshot = _build(tag)
        return _snapshot


def search(snap: Snapshot, *, query: str = "", field: str = "", level: str = "", agency: str = "") -> list[Row]:
    """The rows matching the page's filters, as selectors.procedure_list finds and orders them: every
    word of the query (i and y alike) in the folded code, name or result; the name that is the query
    first, then names that start with it, then the phrase anywhere, each in the catalogue's order."""
    words = search_fold(query[:MAX_QUERY_LENGTH]).split()[:MAX_QUERY_WORDS]
    rows = [row for row in snap.rows
            if (not field or row.field_code == field) and (not level or row.level == level)
            and (not agency or agency in row.agency_codes) and all(word in row.search_iy for word in words)]
    if not words:
        return rows
    phrase = " ".join(words)

    def rank(row: Row) -> int:  # procedure_search's Case(), in Python
        if row.search_iy.startswith(f"{row.code.lower()} {phrase}"):
            return 0 if len(row.name) == len(phrase) else 1
        return 2 if phrase in row.search_iy else 3

    return sorted(rows, key=rank)  # stable: the catalogue's order within a rank


# --------------------------------------------------------------------------- the counter's intake


@dataclass(frozen=True)
class IntakeVariant:
    # Shared by every request of the process: read it, never change it.
    variant: ProcedureVariant  # with its procedure, papers, fees, steps and the procedure's legs loaded
    agency_ids: frozenset[int]  # the agencies the catalogue names for its procedure


_variants_lock = threading.Lock()
_variants: dict[int, IntakeVariant] = {}
_variants_version = ""


def _load_variant(pk: int) -> IntakeVariant | None:
    # Each relation in its own order: the models' default orderings start with the variant and its
    # procedure, whose own orderings would join the procedure and its field into every query.
    variant = (ProcedureVariant.objects.select_related("procedure").order_by().prefetch_related(
        Prefetch("documents", RequiredDocument.objects.order_by("order", "pk")),
        Prefetch("fees", Fee.objects.order_by("pk")), Prefetch("steps", ProcedureStep.objects.order_by("order")),
        Prefetch("procedure__legs", ProcedureLeg.objects.order_by("order")),
    ).filter(pk=pk, procedure__is_active=True).first())
    if variant is None:
        return None
    agency_ids = Procedure.agencies.through.objects.filter(procedure_id=variant.procedure_id)
    return IntakeVariant(variant, frozenset(agency_ids.values_list("agency_id", flat=True)))


def intake_variant(pk: int) -> IntakeVariant | None:
    """The variant `pk` of an active procedure, as the counter's intake reads it, kept in this process
    until the catalogue's version moves; None if there is none (not kept: unknown ids cannot fill it)."""
    global _variants, _variants_version
    tag = version()
    with _variants_lock:
        if _variants_version != tag:
            _variants, _variants_version = {}, tag
        found = _variants.get(pk)
    if found is None:
        found = _load_variant(pk)
        if found is not None:
            with _variants_lock:
                if _variants_version == tag:
                    _variants[pk] = found
    return found
