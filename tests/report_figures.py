"""Biểu 06's daily figures counted again, one dossier at a time, straight from the dossiers: what
DossierDayFigures must hold whichever way it was filled (the services or the rebuild)."""

from django.utils import timezone

from dossiers.models import Dossier, DossierDayFigures, Grain

KEY = ("grain", "day", "agency_id", "procedure_id")


def report_figures_table() -> set[tuple]:
    """(grain, day, agency, procedure, new online, new offline, early, on time, late) per row, day
    rows and month rows alike."""
    return set(DossierDayFigures.objects.values_list(*KEY, *DossierDayFigures.COUNTERS))


def report_figures_from_the_dossiers() -> set[tuple]:
    """The same rows counted in Python from the module docstring of dossiers.stats: received dossiers
    only, on the local day of received_at and of finished_at and on their months (dated the 1st);
    withdrawn and stopped on time."""
    sums: dict[tuple, list[int]] = {}

    def add(moment, dossier, counter: str) -> None:
        day = timezone.localdate(moment)
        for grain, first in ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1))):
            key = (grain, first, dossier.agency_id, dossier.procedure_id)
            sums.setdefault(key, [0] * 5)[DossierDayFigures.COUNTERS.index(counter)] += 1

    for d in Dossier.objects.filter(received_at__isnull=False):
        add(d.received_at, d, "new_online" if d.channel == "online" else "new_offline")
        if d.finished_at is not None:
            kind = d.timeliness if d.timeliness in ("early", "late") else "on_time"
            add(d.finished_at, d, "resolved_on_time" if d.status in ("withdrawn", "stopped") else f"resolved_{kind}")
    return {(*key, *values) for key, values in sums.items()}
