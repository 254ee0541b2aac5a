"""The dossiers' daily figures counted again, one dossier at a time, straight from the dossiers: what
DossierDayFigures must hold whichever way it was filled (the services or the rebuild)."""

from django.utils import timezone

from dossiers.models import Dossier, DossierDayFigures, DossierDocument, Grain

KEY = ("grain", "day", "agency_id", "procedure_id")


def report_figures_table() -> set[tuple]:
    """(grain, day, agency, procedure, *DossierDayFigures.COUNTERS) per row, day rows and month rows
    alike."""
    return set(DossierDayFigures.objects.values_list(*KEY, *DossierDayFigures.COUNTERS))


def _digitised(dossier: Dossier) -> bool:
    papers = [d for d in dossier.documents.all() if d.kind == DossierDocument.Kind.INTAKE and d.provided]
    return bool(papers) and all(d.digitisation != DossierDocument.Digitisation.NONE for d in papers)


def report_figures_from_the_dossiers() -> set[tuple]:
    """The same rows counted in Python from the module docstring of dossiers.stats and the model's:
    received dossiers on the local day of received_at and of finished_at (withdrawn on time, stopped
    by the clock), returns on the day of returned_at (those sent by post counted again as such), refusals at
    intake on the day of finished_at, ratings on the day they were given (a "not satisfied" one on a
    dossier not late also on the day its handling ended), and each on its month (dated the 1st)."""
    sums: dict[tuple, list[int]] = {}
    counters = DossierDayFigures.COUNTERS

    def add(moment, dossier, *names: str) -> None:
        day = timezone.localdate(moment)
        for grain, first in ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1))):
            row = sums.setdefault((grain, first, dossier.agency_id, dossier.procedure_id), [0] * len(counters))
            for name in names:
                row[counters.index(name)] += 1

    for d in Dossier.objects.select_related("rating", "procedure").prefetch_related("documents", "results"):
        rating = getattr(d, "rating", None)
        if d.received_at is None:
            if d.status == "refused":
                add(d.finished_at, d, "refused_at_intake")
            continue
        # 766 3.3: an online dossier of a procedure with a paper result, and whether it got its
        # validly signed electronic result (an approved one), on the day received.
        paper_online = d.channel == "online" and d.procedure.result_is_paper
        e_result = d.status in ("result_ready", "returned") and any(r.verdict == "valid" for r in d.results.all())
        add(d.received_at, d, "new_online" if d.channel == "online" else "new_offline",
            *(["digitised"] if _digitised(d) else []), *(["new_post"] if d.channel == "post" else []),
            *(["new_online_paper"] if paper_online else []), *(["online_e_results"] if paper_online and e_result
                                                                else []))
        if d.finished_at is not None:
            kind = d.timeliness if d.timeliness in ("early", "late") else "on_time"
            closed = d.status == "withdrawn"  # only a withdrawal is on time whatever the clock (issue 21)
            names = ["resolved_on_time" if closed else f"resolved_{kind}"]
            if d.status in ("refused", "withdrawn", "stopped"):
                names.append(d.status)
            if closed and d.timeliness == "late":
                names.append("closed_late")
            if rating is not None and rating.level == "not_satisfied" and d.timeliness != "late":
                names.append("disliked")
            if d.status in ("result_ready", "returned") and d.procedure.result_is_paper:
                names.append("paper_results")  # 766 4.1: with a validly signed electronic result too
                names += ["e_results"] if any(r.verdict == "valid" for r in d.results.all()) else []
            add(d.finished_at, d, *names)
        if d.returned_at is not None:
            add(d.returned_at, d, "returned", *(["returned_post"] if d.return_method == "post" else []))
        if rating is not None:
            add(rating.created_at, d, "rated", *(["rated_good"] if rating.level in ("very_satisfied", "satisfied")
                                                 else []))
    return {(*key, *values) for key, values in sums.items()}
