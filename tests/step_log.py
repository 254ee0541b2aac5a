"""The leaders' daily step figures counted again, one step at a time, straight from the step log:
what OfficerDayFigures must hold whichever way it was filled (the services or the rebuild)."""

from django.utils import timezone

from dossiers.models import DossierStep, Grain, OfficerDayFigures

KEY = ("grain", "officer_id", "day", "agency_id", "procedure_id", "department_id")


def figures_table() -> set[tuple]:
    """(grain, officer, day, agency, procedure, department, steps, late steps, late seconds) per row,
    day rows and month rows alike."""
    return set(OfficerDayFigures.objects.values_list(*KEY, "steps", "late_steps", "late_seconds"))


def figures_from_the_log() -> set[tuple]:
    """The same rows summed in Python: the local day of finished_at and its month (dated the 1st), 0
    for no officer or department, late as the module docstring of dossiers.stats says (the step that
    hands the result back, opened when handling ended, never)."""
    sums: dict[tuple, tuple[int, int, int]] = {}
    for s in DossierStep.objects.select_related("dossier").filter(finished_at__isnull=False):
        day = timezone.localdate(s.finished_at)
        late = s.timeliness == "late" and (s.dossier.finished_at is None or s.started_at < s.dossier.finished_at)
        for grain, first in ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1))):
            key = (grain, s.to_user_id or 0, first, s.agency_id or s.dossier.agency_id, s.dossier.procedure_id,
                   s.to_department_id or 0)
            steps, late_steps, seconds = sums.get(key, (0, 0, 0))
            sums[key] = (steps + 1, late_steps + late, seconds + (s.late_seconds if late else 0))
    return {(*key, *values) for key, values in sums.items()}
